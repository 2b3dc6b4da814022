/**
 * Recording the outcome of a run other than a plain ack (retry later, hand back, dead-letter), reporting a
 * fence rejection, and the late result of a handler that was cut short. One fenced script per transition.
 */
import {
  ackDeliveries,
  deadLetter,
  type Fenced,
  type JobEnvelope,
  LeaseLost,
  leaseLostMessage,
  retryLater,
} from '@sluice/core';
import type { Logger } from 'pino';
import { withRetry } from '../loops/redis-resilience.js';
import type { Decision } from './decision.js';
import type { JobInterrupt } from './errors.js';
import type { RunOutcome, RunShared, RunTask } from './run-types.js';

/** Where the run's logger comes from (made on first use). */
export interface LogSource {
  log(): Logger;
}

/** The identity of a run, as events carry it. */
export interface RunIdentity {
  queue: string;
  name: string;
  jobId: string;
  attempt: number;
  entryId: string;
}

/** The event identity of `env` delivered as `t`. */
export const identity = (t: RunTask, env: JobEnvelope): RunIdentity => ({
  queue: t.keys.queue,
  name: env.name,
  jobId: env.id,
  attempt: env.attempt,
  entryId: t.delivery.entryId,
});

/** True when `s` has listeners for `event`. */
export const listens = (s: RunShared, event: Parameters<NonNullable<RunShared['listening']>>[0]): boolean =>
  s.emit !== undefined && (s.listening ? s.listening(event) : true);

/** Run a fenced transition, retrying transient failures; NOT-PENDING after a retry means the first try landed. */
async function fenced<T extends Fenced>(fn: () => Promise<T>): Promise<T | { ok: true }> {
  let retried = false;
  const r = await withRetry((n) => {
    retried = n > 0;
    return fn();
  });
  return !r.ok && retried && r.lost === LeaseLost.NotPending ? { ok: true } : r;
}

/** A transition the fence refused: another worker owns the job now. */
export function fenceRejected(
  s: RunShared,
  t: RunTask,
  env: JobEnvelope,
  kind: Decision['kind'],
  lost: LeaseLost,
  src: LogSource,
): RunOutcome {
  src.log().warn({ reason: leaseLostMessage(lost) }, `${kind} rejected by the fence: another worker owns the job now`);
  if (listens(s, 'job:lease-lost')) s.emit?.('job:lease-lost', { ...identity(t, env), during: 'finish' });
  return 'lease-lost';
}

/** Record decision `d` (not a plain ack) for `env`; resolves with the outcome, rejects when Redis stays down. */
export async function applyDecision(
  s: RunShared,
  t: RunTask,
  env: JobEnvelope,
  d: Exclude<Decision, { kind: 'ack' }>,
  durationMs: number,
  src: LogSource,
): Promise<RunOutcome> {
  if (d.kind === 'abandon') return 'lease-lost';
  const { keys, delivery } = t;
  let r: Fenced | { ok: true };
  if (d.kind === 'dead') {
    r = await fenced(() =>
      deadLetter(s.exec, keys, s.consumer, delivery, {
        fields: t.fields,
        reason: d.reason,
        error: d.error,
        stack: d.stack,
        attempts: env.attempt,
        firstFailedAt: d.firstFailedAt,
        failedAt: s.clock?.now() ?? Date.now(),
      }),
    );
  } else {
    const delay = d.kind === 'retry' ? d.delayMs : 0;
    r = await fenced(() => retryLater(s.exec, keys, s.consumer, delivery, delay, d.next));
  }
  if (!r.ok) return fenceRejected(s, t, env, d.kind, r.lost, src);
  switch (d.kind) {
    case 'retry':
      src
        .log()
        .info({ err: d.error, delayMs: d.delayMs }, `attempt ${env.attempt} failed; retrying in ${d.delayMs} ms`);
      s.onRetry?.(keys.queue, d.delayMs);
      if (listens(s, 'job:retrying'))
        s.emit?.('job:retrying', {
          ...identity(t, env),
          durationMs,
          error: d.error,
          delayMs: d.delayMs,
          nextAttempt: d.next.attempt,
        });
      return 'retrying';
    case 'hand-back':
      src.log().info('handed back for another worker (shutdown)');
      return 'handed-back';
    default:
      src.log().warn({ reason: d.reason, error: d.error }, 'dead-lettered');
      if (listens(s, 'job:dead'))
        s.emit?.('job:dead', { ...identity(t, env), durationMs, reason: d.reason, error: d.error });
      return 'dead';
  }
}

/**
 * A handler cut short (timeout, lease lost, shutdown) finished anyway: a success tries its ack, which the fence
 * rejects when the job runs elsewhere; a failure is only logged.
 */
export function lateResult(
  s: RunShared,
  t: RunTask,
  env: JobEnvelope,
  why: JobInterrupt,
  ok: boolean,
  error: unknown,
  src: LogSource,
): void {
  if (!ok) {
    src.log().debug({ err: error }, `handler failed after ${why.kind}; ignored`);
    return;
  }
  if (why.kind === 'shutdown') {
    src.log().warn('handler finished after its job was handed back at shutdown; result dropped');
    return;
  }
  ackDeliveries(s.exec, t.keys, s.consumer, [t.delivery]).then(
    (r) => {
      const f = r[0];
      if (f && !f.ok) {
        src
          .log()
          .warn(
            { reason: leaseLostMessage(f.lost) },
            `late result after ${why.kind} rejected by the fence (the job runs elsewhere)`,
          );
        if (listens(s, 'job:lease-lost')) s.emit?.('job:lease-lost', { ...identity(t, env), during: 'finish' });
      } else src.log().info(`late result after ${why.kind} acknowledged (the job had not been moved yet)`);
    },
    (err: unknown) => src.log().debug({ err }, 'late result: ack failed'),
  );
}
