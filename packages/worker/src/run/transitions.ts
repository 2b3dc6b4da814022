/**
 * The one owner of the worker's side of every transition of a delivery: ack (its answer), retry later, hand back,
 * dead-letter (a failed job or a poison delivery) and the late result of a handler that was cut short, each with
 * its log line and event. The run, shutdown, drain and the reclaimer call these; each sends one fenced script
 * (core's wrappers, which also own the rule for a call retried after a lost reply).
 */

import type { AnyJob } from '@sluice/core';
import {
  ackDeliveries,
  cancelRun,
  DEFAULTS,
  deadLetter,
  decodeEnvelope,
  type Fenced,
  type JobEnvelope,
  keepLimits,
  type LeaseLost,
  leaseLostMessage,
  type RedisExecutor,
  retryLater,
} from '@sluice/core/internal';
import type { Logger } from 'pino';
import { type Emit, type JobEventBase, jobEventBase, timedJobEvent, type WorkerEventName } from '../events.js';
import { withRetry } from '../loops/redis-resilience.js';
import { asError, type Decision, redactError } from './decision.js';
import type { JobInterrupt } from './errors.js';
import type { Delivered, RunOutcome, RunShared } from './run-types.js';

/** What a transition reads of a run (a {@link JobRun}). */
export interface RunView {
  readonly shared: RunShared;
  readonly task: Delivered;
  readonly envelope: JobEnvelope;
  /** Its job definition (undefined when this worker has no handler for it). */
  readonly job: AnyJob | undefined;
  /** Handler time in ms (0 when it did not run). */
  readonly durationMs: number;
  /** Wall-clock ms when the handler was called (0 when it did not run or was not measured). */
  readonly startedAtMs: number;
  /** The run's logger (made on first use). */
  log(): Logger;
}

/** What a transition without a run needs: the connection and this worker's consumer name. */
export interface Holder {
  readonly conn: RedisExecutor;
  readonly consumer: string;
  readonly emit: Emit;
}

/** True when `shared` has listeners for `event`. */
export const listens = (shared: RunShared, event: WorkerEventName): boolean =>
  shared.emit !== undefined && (shared.listening ? shared.listening(event) : true);

/** The fields every event of `run` carries. */
export const runEvent = (run: RunView): JobEventBase =>
  jobEventBase(run.task.keys.queue, run.task.delivery.entryId, run.envelope);

/** A transition the fence refused: another worker owns the job now. */
function fenceRejected(run: RunView, kind: Decision['kind'], lost: LeaseLost): RunOutcome {
  run.log().warn({ reason: leaseLostMessage(lost) }, `${kind} rejected by the fence: another worker owns the job now`);
  if (listens(run.shared, 'job:lease-lost'))
    run.shared.emit?.('job:lease-lost', { ...runEvent(run), during: 'finish' });
  return 'lease-lost';
}

/** The ack of `run` was recorded with `result`: report it (succeeded, or rejected by the fence). */
export function ackRecorded(run: RunView, result: Fenced): RunOutcome {
  if (!result.ok) return fenceRejected(run, 'ack', result.lost);
  const level = run.shared.logSuccess;
  if (level) run.log()[level]({ durationMs: run.durationMs }, 'job succeeded');
  if (listens(run.shared, 'job:succeeded'))
    run.shared.emit?.(
      'job:succeeded',
      timedJobEvent(run.task.keys.queue, run.task.delivery.entryId, run.envelope, run.durationMs, run.startedAtMs),
    );
  return 'succeeded';
}

/** Record decision `d` (not a plain ack) for `run`; resolves with the outcome, rejects when Redis stays down. */
export async function recordDecision(run: RunView, d: Exclude<Decision, { kind: 'ack' }>): Promise<RunOutcome> {
  if (d.kind === 'abandon') return 'lease-lost';
  const { shared, task, envelope } = run;
  const { keys, delivery } = task;
  let r: Fenced;
  if (d.kind === 'cancel') {
    const id = envelope.id;
    r = await withRetry((n) =>
      cancelRun(shared.exec, keys, shared.consumer, delivery, id, task.fields, DEFAULTS.cancelledTtl, n > 0),
    );
  } else if (d.kind === 'dead') {
    const dl = {
      fields: task.fields,
      reason: d.reason,
      error: d.error,
      stack: d.stack,
      attempts: envelope.attempt,
      firstFailedAt: d.firstFailedAt,
      failedAt: shared.clock.now(),
    };
    const keep = keepLimits(run.job?.keep ?? shared.keep, 'failed');
    r = await withRetry((n) => deadLetter(shared.exec, keys, shared.consumer, delivery, dl, n > 0, keep));
  } else {
    const delay = d.kind === 'retry' ? d.delayMs : 0;
    // a failed attempt for the queue's history: a retry that counts the attempt (not a deferral, not a hand-back)
    const failed = d.kind === 'retry' && d.next.attempt !== envelope.attempt;
    r = await withRetry((n) => retryLater(shared.exec, keys, shared.consumer, delivery, delay, d.next, n > 0, failed));
  }
  if (!r.ok) return fenceRejected(run, d.kind, r.lost);
  switch (d.kind) {
    case 'retry':
      if (d.next.attempt === envelope.attempt)
        run.log().debug({ err: d.error, delayMs: d.delayMs }, `attempt not counted; running again in ${d.delayMs} ms`);
      else
        run
          .log()
          .info(
            { err: d.error, delayMs: d.delayMs },
            `attempt ${envelope.attempt} failed; retrying in ${d.delayMs} ms`,
          );
      shared.onRetry?.(keys.queue, d.delayMs);
      if (listens(shared, 'job:retrying'))
        shared.emit?.('job:retrying', {
          ...runEvent(run),
          durationMs: run.durationMs,
          startedAt: run.startedAtMs,
          error: d.error,
          delayMs: d.delayMs,
          nextAttempt: d.next.attempt,
        });
      return 'retrying';
    case 'hand-back':
      run.log().info('handed back for another worker (shutdown)');
      return 'handed-back';
    case 'cancel':
      run.log().info('cancelled by an operator while running; not retried');
      if (listens(shared, 'job:cancelled'))
        shared.emit?.('job:cancelled', { ...runEvent(run), durationMs: run.durationMs, startedAt: run.startedAtMs });
      return 'cancelled';
    default:
      run.log().warn({ reason: d.reason, error: d.error }, 'dead-lettered');
      if (listens(shared, 'job:dead'))
        shared.emit?.('job:dead', {
          ...runEvent(run),
          durationMs: run.durationMs,
          startedAt: run.startedAtMs,
          reason: d.reason,
          error: d.error,
        });
      return 'dead';
  }
}

/**
 * A handler cut short (timeout, lease lost, shutdown) finished anyway: a success tries its ack, which the fence
 * rejects when the job runs elsewhere; a failure is only logged.
 */
export function lateResult(run: RunView, why: JobInterrupt, ok: boolean, error: unknown): void {
  if (!ok) {
    run.log().debug({ err: redactError(asError(error)) }, `handler failed after ${why.kind}; ignored`);
    return;
  }
  if (why.kind === 'cancelled') {
    run.log().debug(`handler finished after it was cancelled; result dropped`);
    return;
  }
  if (why.kind === 'shutdown') {
    run.log().warn('handler finished after its job was handed back at shutdown; result dropped');
    return;
  }
  const { shared, task } = run;
  ackDeliveries(shared.exec, task.keys, shared.consumer, [task.delivery]).then(
    (r) => {
      const f = r[0];
      if (f && !f.ok) {
        run
          .log()
          .warn(
            { reason: leaseLostMessage(f.lost) },
            `late result after ${why.kind} rejected by the fence (the job runs elsewhere)`,
          );
        if (listens(shared, 'job:lease-lost')) shared.emit?.('job:lease-lost', { ...runEvent(run), during: 'finish' });
      } else run.log().info(`late result after ${why.kind} acknowledged (the job had not been moved yet)`);
    },
    (err: unknown) => run.log().debug({ err }, 'late result: ack failed'),
  );
}

/**
 * Hand a delivery back (shutdown, or a drain whose budget it does not fit): straight back on the stream with the
 * same attempt, retried up to 4 times. False when the entry cannot be decoded or the fence refused.
 */
export async function handBack(holder: Holder, delivered: Delivered): Promise<boolean> {
  const decoded = decodeEnvelope(delivered.fields);
  if (!decoded.ok) return false;
  const { keys, delivery } = delivered;
  const r = await withRetry(
    (n) => retryLater(holder.conn, keys, holder.consumer, delivery, 0, decoded.job, n > 0, false),
    4,
  );
  return r.ok;
}

/**
 * The outcome of `delivered`'s run could not be recorded (Redis stayed unreachable): logged and emitted as a worker
 * error; the entry stays pending and is reclaimed after the lease (never lost).
 */
export function outcomeNotRecorded(
  holder: { readonly log: Logger; readonly emit: Emit },
  delivered: Delivered,
  err: unknown,
): void {
  holder.log.error(
    { err, entryId: delivered.delivery.entryId, queue: delivered.keys.queue },
    'could not record the outcome of a job; it will be reclaimed',
  );
  holder.emit('worker:error', { error: err as Error, where: 'run-job' });
}

/**
 * Hand back deliveries held too long behind busy slots (read-ahead, pool.ts), without waiting for Redis: their
 * leases are no longer renewed, and one whose hand-back fails stays pending and is reclaimed after the lease.
 */
export function handBackHeld(
  holder: Holder & { readonly log: Logger },
  held: readonly (Delivered & { renew: boolean })[],
): void {
  for (const h of held) {
    h.renew = false;
    handBack(holder, h).catch((err: unknown) =>
      holder.log.warn({ err, entryId: h.delivery.entryId }, 'hand-back failed; reclaimed after the lease'),
    );
  }
}

/**
 * Dead-letter a poison delivery (delivered more than `maxDeliveries` times: its worker crashed or hung every
 * time): one fenced try; logged and reported as `job:dead`. False when the fence refused (another owner).
 */
export async function deadLetterPoison(
  holder: Holder & { readonly log: Logger },
  delivered: Delivered,
  limits: { maxDeliveries: number; now: number },
): Promise<boolean> {
  const { keys, delivery, fields } = delivered;
  const error = `delivered ${delivery.deliveries} times (maxDeliveries ${limits.maxDeliveries}): its worker crashed or hung every time`;
  const base = jobEventBase(keys.queue, delivery.entryId, fields);
  const r = await deadLetter(holder.conn, keys, holder.consumer, delivery, {
    fields,
    reason: 'poison',
    error,
    attempts: base.attempt,
    failedAt: limits.now,
    firstFailedAt: Number(fields.firstFailedAt) || limits.now,
  });
  if (!r.ok) return false;
  holder.log.error(
    { entryId: delivery.entryId, jobId: fields.id, job: fields.name },
    `poison job dead-lettered: ${error}`,
  );
  holder.emit('job:dead', { ...base, durationMs: 0, startedAt: 0, reason: 'poison', error });
  return true;
}
