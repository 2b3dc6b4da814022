/**
 * runJob(): run one delivery to its end as a promise, for use without the consumer loop: give it a connection,
 * the queue's keys, a consumer name, the delivery and the entry's raw fields. It decodes, validates, calls the
 * handler with its context, decides the outcome and records it with one fenced script (ack, retry later,
 * dead-letter, hand back), exactly as the worker's pool does through {@link startJob}.
 */
import type { AnyJob, Clock, QueueKeys } from '@sluice/core';
import {
  ackDeliveries,
  type Delivery,
  type EnqueueContext,
  type Fenced,
  type RedisExecutor,
  systemClock,
} from '@sluice/core/internal';
import type { Logger } from 'pino';
import type { Emit } from '../events.js';
import { successLevel } from '../logger.js';
import { withRetry } from '../loops/redis-resilience.js';
import { RunSignal } from './run-signal.js';
import { type AckSink, Delivered, type RunJobResult, type RunOwner, type RunShared } from './run-types.js';
import { startJob } from './start-job.js';

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

/** One fenced ack per call, retried while Redis is unreachable: the default when no batcher is given. */
function directAcks(exec: RedisExecutor, consumer: string): AckSink {
  return {
    add(keys, delivery, to) {
      withRetry((n) => ackDeliveries(exec, keys, consumer, [delivery], n > 0)).then(
        (r) => to.acked(undefined, r[0]),
        (err: unknown) => to.acked(err, undefined),
      );
    },
  };
}

/** Acks through the caller's `ack` function, retried while Redis is unreachable. */
function customAcks(ack: (keys: QueueKeys, d: Delivery) => Promise<Fenced>): AckSink {
  return {
    add(keys, delivery, to) {
      withRetry(() => ack(keys, delivery)).then(
        (r) => to.acked(undefined, r),
        (err: unknown) => to.acked(err, undefined),
      );
    },
  };
}

/** Run one delivery to its end. Never throws for job errors; rejects only when Redis stays unreachable. */
export function runJob(o: RunJobOptions): Promise<RunJobResult> {
  let interrupt: RunSignal | undefined;
  let unlink: (() => void) | undefined;
  if (o.interrupt instanceof RunSignal) interrupt = o.interrupt;
  else if (o.interrupt) {
    const own = new RunSignal();
    unlink = o.interrupt.onAbort((reason) => own.abort(reason));
    interrupt = own;
  }
  return new Promise((resolve, reject) => {
    const owner: RunOwner = {
      started: o.onStart && (() => o.onStart?.()),
      settled: o.onSettled && (() => o.onSettled?.()),
      done(_task, err, result) {
        unlink?.();
        if (result) resolve(result);
        else reject(err);
      },
    };
    const shared: RunShared = {
      exec: o.exec,
      consumer: o.consumer,
      jobs: o.jobs,
      log: o.log,
      enqueueCtx: o.enqueueCtx,
      clock: o.clock ?? systemClock,
      random: o.random ?? Math.random,
      logSuccess: successLevel(o.log),
      acks: o.ack ? customAcks(o.ack) : directAcks(o.exec, o.consumer),
      owner,
      emit: o.emit,
      onRetry: o.onRetry && ((_queue, ms) => o.onRetry?.(ms)),
      onMarker: o.onMarker && (() => o.onMarker?.()),
    };
    startJob(shared, new Delivered(o.keys, o.delivery, o.fields, interrupt));
  });
}
