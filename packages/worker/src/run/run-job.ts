/**
 * Run one delivery: decode, validate, call the handler with its context, classify the outcome and apply it with
 * one fenced script (ack, retry later, dead-letter, hand back). `startJob` is the pool's callback form (no
 * promise per step); `runJob` the promise form for use without the consumer loop: give it a connection, the
 * queue's keys, a consumer name, the delivery and the entry's raw fields.
 */
import type { AnyJob, Clock, QueueKeys } from '@sluice/core';
import {
  ackDeliveries,
  checkPayload,
  type Delivery,
  decodeEnvelope,
  type EnqueueContext,
  type Fenced,
  finishMarker,
  isWakeMarker,
  type JobEnvelope,
  type RedisExecutor,
} from '@sluice/core/internal';
import type { Logger } from 'pino';
import type { Emit } from '../events.js';
import { successLevel } from '../logger.js';
import { withRetry } from '../loops/redis-resilience.js';
import { JobRun } from './job-run.js';
import { MissingHandlerError } from './outcome.js';
import { RunSignal } from './run-signal.js';
import type { RunJobResult, RunShared, RunTask } from './run-types.js';

export type { RunJobResult, RunOutcome } from './run-types.js';

/** Everything one run needs (the promise form, {@link runJob}). */
export interface RunJobOptions {
  /** Connection for the fenced scripts. */
  exec: RedisExecutor;
  /** Keys of the queue the entry was read from. */
  keys: QueueKeys;
  /** Consumer name the entry was delivered to. */
  consumer: string;
  /** The lease token: entry id and delivery count. */
  delivery: Delivery;
  /** The entry's raw fields. */
  fields: Record<string, string>;
  /** Handlers by job name. */
  jobs: ReadonlyMap<string, AnyJob>;
  /** Parent logger. */
  log: Logger;
  /** For `ctx.enqueue`. */
  enqueueCtx: EnqueueContext;
  /** Time source (default the system clock). */
  clock?: Clock;
  /** Abort from outside with a JobInterrupt reason: `shutdown` hands the job back, `lease-lost` drops it. */
  interrupt?: Pick<RunSignal, 'aborted' | 'reason' | 'onAbort'>;
  /** Acknowledge (default: one direct fenced ack, retried while Redis is unreachable). */
  ack?: (keys: QueueKeys, d: Delivery) => Promise<Fenced>;
  /** Event sink (default none). */
  emit?: Emit;
  /** Called once when the handler starts (after decoding and validation). */
  onStart?: () => void;
  /** Called when the handler is over (returned, threw, timed out, interrupted): stop renewing the lease. */
  onSettled?: () => void;
  /** Called after a retry was scheduled, with its delay (the worker wakes its promoter). */
  onRetry?: (delayMs: number) => void;
  /** Called when a `wake` marker was finished (the worker wakes its promoter). */
  onMarker?: () => void;
  /** Random source for backoff jitter (default Math.random). */
  random?: () => number;
}

/** One fenced ack, retried while Redis is unreachable: the default when no batcher is given. */
export function directAck(exec: RedisExecutor, consumer: string): RunShared['ack'] {
  return (keys, d, to) => {
    withRetry(() => ackDeliveries(exec, keys, consumer, [d])).then(
      (r) => to.acked(undefined, r[0]),
      (err: unknown) => to.acked(err, undefined),
    );
  };
}

/** Run one delivery to its end. Never throws for job errors; rejects only when Redis stays unreachable. */
export function runJob(o: RunJobOptions): Promise<RunJobResult> {
  const ack = o.ack;
  const shared: RunShared = {
    exec: o.exec,
    consumer: o.consumer,
    jobs: o.jobs,
    log: o.log,
    enqueueCtx: o.enqueueCtx,
    clock: o.clock,
    emit: o.emit,
    random: o.random,
    logSuccess: successLevel(o.log),
    ack: ack
      ? (keys, d, to) => {
          withRetry(() => ack(keys, d)).then(
            (r) => to.acked(undefined, r),
            (err: unknown) => to.acked(err, undefined),
          );
        }
      : directAck(o.exec, o.consumer),
    onRetry: o.onRetry && ((_q, ms) => o.onRetry?.(ms)),
    onMarker: o.onMarker && (() => o.onMarker?.()),
  };
  let interrupt: RunSignal | undefined;
  let unlink: (() => void) | undefined;
  if (o.interrupt instanceof RunSignal) interrupt = o.interrupt;
  else if (o.interrupt) {
    const own = new RunSignal();
    unlink = o.interrupt.onAbort((reason) => own.abort(reason));
    interrupt = own;
  }
  return new Promise((resolve, reject) => {
    startJob(shared, {
      keys: o.keys,
      delivery: o.delivery,
      fields: o.fields,
      interrupt,
      onStart: o.onStart,
      onSettled: o.onSettled,
      onDone(err, result) {
        unlink?.();
        if (result) resolve(result);
        else reject(err);
      },
    });
  });
}

/** The envelope of an entry that failed to decode, as far as it goes (for logs and the dead letter). */
function partialEnvelope(p: Partial<JobEnvelope>): JobEnvelope {
  return {
    id: p.id ?? '',
    name: p.name ?? '',
    data: p.data ?? '',
    attempt: p.attempt ?? 1,
    enqueuedAt: p.enqueuedAt ?? 0,
  };
}

/** The payload of `env` parsed from JSON; throws naming the job when it is over `max` bytes or not JSON. */
function parsePayload(env: JobEnvelope, max: number): unknown {
  // enqueue refuses payloads over maxPayloadBytes; one written around it (raw XADD) is dead-lettered, not run.
  const size = env.data.length > max / 3 ? Buffer.byteLength(env.data) : 0;
  if (size > max) {
    throw new Error(`payload of job "${env.name}" is ${size} bytes, over the limit of ${max} bytes (maxPayloadBytes)`);
  }
  try {
    return JSON.parse(env.data);
  } catch (e) {
    throw new Error(`payload of job "${env.name}" is not valid JSON: ${(e as Error).message}`);
  }
}

/** Run one delivery with the shared parts `s`; `t.onDone` is called exactly once. Never throws. */
export function startJob(s: RunShared, t: RunTask): void {
  if (isWakeMarker(t.fields)) {
    withRetry(() => finishMarker(s.exec, t.keys, t.delivery.entryId)).then(
      () => {
        s.onMarker?.(t.keys.queue);
        t.onDone(undefined, { outcome: 'marker', durationMs: 0, decision: undefined });
      },
      (err: unknown) => t.onDone(err, undefined),
    );
    return;
  }
  const decoded = decodeEnvelope(t.fields);
  const env = decoded.ok ? decoded.job : partialEnvelope(decoded.partial);
  const job = s.jobs.get(env.name);
  const run = new JobRun(s, t, env, job);
  if (!decoded.ok) {
    run.finish({ ok: false, error: new Error(decoded.reason), phase: 'payload' });
    return;
  }
  let payload: unknown;
  try {
    payload = parsePayload(env, s.enqueueCtx.maxPayloadBytes);
    if (job) payload = checkPayload(env.name, job.schema, payload);
  } catch (error) {
    run.finish({ ok: false, error, phase: 'payload' });
    return;
  }
  if (!job) {
    const names = [...s.jobs.keys()].join(', ') || 'none';
    const error = new MissingHandlerError(`no handler for job "${env.name}" in this worker (jobs: ${names})`);
    run.finish({ ok: false, error, phase: 'handler' });
    return;
  }
  if (payload instanceof Promise) {
    payload.then(
      (value: unknown) => run.invoke(value),
      (error: unknown) => run.finish({ ok: false, error, phase: 'payload' }),
    );
  } else run.invoke(payload);
}
