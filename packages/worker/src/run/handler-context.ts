/** The `ctx` a handler receives: ids, attempt, abort signal, a bound child logger, chained enqueue, trace. */
import type { JobContext, JobLogger } from '@sluice/core';
import { type ChainEnqueue, type EnqueueContext, enqueue, type JobEnvelope } from '@sluice/core/internal';
import type { Logger } from 'pino';

/** Where a context gets its signal and logger, both made on first use. */
export interface ContextSource {
  /** The run's abort signal. */
  readonly signal: AbortSignal;
  /** The run's logger. */
  log(): Logger;
  /** The process span's context as a W3C traceparent (undefined when not traced). */
  traceparent?(): string | undefined;
  /** Store `value` as the run's progress (checked, fenced, one command). */
  progress(value: unknown): Promise<void>;
}

/**
 * The context of one run. `signal`, `log` and `enqueue` are getters made on first read: a handler that uses none
 * of them costs one small object (no AbortController, no child logger, no closure).
 */
export class JobCtx implements JobContext {
  readonly jobId: string;
  readonly name: string;
  readonly attempt: number;
  readonly trace: string | undefined;
  private chain: ChainEnqueue | undefined;

  constructor(
    env: JobEnvelope,
    readonly queue: string,
    private readonly src: ContextSource,
    private readonly enqueueCtx: EnqueueContext,
  ) {
    this.jobId = env.id;
    this.name = env.name;
    this.attempt = env.attempt;
    this.trace = env.trace;
  }

  get signal(): AbortSignal {
    return this.src.signal;
  }

  /** The process span's context as a traceparent, for propagation (e.g. the push POST); internal. */
  processTraceparent(): string | undefined {
    return this.src.traceparent?.();
  }

  /** Report progress (a number 0-100 or a small JSON object); see JobContext. */
  progress(value: number | Record<string, unknown>): Promise<void> {
    return this.src.progress(value);
  }

  get log(): JobLogger {
    return this.src.log();
  }

  /** A function (safe to destructure) that enqueues on the worker's connection and prefix. */
  get enqueue(): ChainEnqueue {
    const ctx = this.enqueueCtx;
    this.chain ??= (job, payload, options) => enqueue(ctx, job, payload, options);
    return this.chain;
  }
}
