/** The `ctx` a handler receives: ids, attempt, abort signal, a bound child logger, chained enqueue, trace. */
import { type EnqueueContext, enqueue, type JobContext, type JobEnvelope } from '@sluice/core';
import type { Logger } from 'pino';
import type { RunSignal } from './run-signal.js';

/** A child of `parent` bound to `bindings`, made on first call (most runs never log). */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): () => Logger {
  let child: Logger | undefined;
  return () => {
    child ??= parent.child(bindings);
    return child;
  };
}

/**
 * Build the context of one run of `env` read from `queue`. `ctx.signal` and `ctx.log` are made on first read:
 * a handler that uses neither costs no AbortController and no child logger.
 */
export function createJobContext(
  env: JobEnvelope,
  queue: string,
  run: Pick<RunSignal, 'signal'>,
  log: () => Logger,
  enqueueCtx: EnqueueContext,
): JobContext {
  return {
    jobId: env.id,
    name: env.name,
    queue,
    attempt: env.attempt,
    get signal() {
      return run.signal;
    },
    get log() {
      return log();
    },
    enqueue: (job, payload, options) => enqueue(enqueueCtx, job, payload, options),
    trace: env.trace,
  };
}
