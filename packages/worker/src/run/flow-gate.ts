/**
 * The start gate of a job with start limits (global or per-key concurrency, a rate limit; docs/flow-control.md):
 * one fenced flow-start script takes the slots and the rate-limit start, or parks the job (`queued` for a slot,
 * `delayed` by the rate limit) without counting the attempt. Jobs without limits never come here.
 */
import type { AnyJob } from '@sluice/core';
import { flowKey, flowStart, leaseLostMessage, type StartRate, type StartScope } from '@sluice/core/internal';
import { withRetry } from '../loops/redis-resilience.js';
import type { JobRun } from './job-run.js';
import { listens, runEvent } from './transitions.js';

/** Default lease when the run's owner gives none (the worker's default). */
const DEFAULT_LEASE_MS = 30_000;

/** The scopes and rate key of `job` for `raw` (the payload as enqueued); throws naming the key option. */
function scopesOf(job: AnyJob, raw: unknown, queueKeys: JobRun['task']['keys']) {
  const limits = job.limits;
  const fk = queueKeys.flowOf(job.name);
  const where = `job "${job.name}"`;
  const scopes: StartScope[] = [];
  if (limits?.global) scopes.push({ slots: fk.slots, waiting: fk.waiting, limit: limits.global });
  if (limits?.perKey && limits.key) {
    const k = flowKey(limits.key, raw, where, 'concurrency.key');
    scopes.push({ slots: fk.keySlots(k), waiting: fk.keyWaiting(k), limit: limits.perKey });
  }
  let rate: StartRate | undefined;
  if (limits?.rate) {
    const k = limits.rate.key ? flowKey(limits.rate.key, raw, where, 'rateLimit.key') : '';
    rate = { key: fk.rate(k), limit: limits.rate.limit, periodMs: limits.rate.periodMs };
  }
  return { scopes, rate };
}

/** Take `run`'s slots and rate start, then call its handler with `payload`; or park it. Never throws. */
export function gateAndInvoke(run: JobRun, raw: unknown, payload: unknown): void {
  const { shared, task, envelope } = run;
  let parts: ReturnType<typeof scopesOf>;
  try {
    parts = scopesOf(run.job as AnyJob, raw, task.keys);
  } catch (error) {
    run.finish({ ok: false, error, phase: 'payload' });
    return;
  }
  const lease = shared.leaseMs ?? DEFAULT_LEASE_MS;
  withRetry((n) =>
    flowStart(shared.exec, task.keys, shared.consumer, task.delivery, envelope, lease, parts.scopes, parts.rate, n > 0),
  ).then(
    (r) => {
      if (r.ok && r.outcome === 'started') {
        if (r.hold.length > 0) task.delivery.hold = r.hold;
        run.invoke(payload);
        return;
      }
      shared.owner.settled?.(task);
      if (!r.ok) {
        run
          .log()
          .warn({ reason: leaseLostMessage(r.lost) }, 'start rejected by the fence: another worker owns the job now');
        if (listens(shared, 'job:lease-lost')) shared.emit?.('job:lease-lost', { ...runEvent(run), during: 'finish' });
        shared.owner.done(task, undefined, { outcome: 'lease-lost', durationMs: 0, decision: undefined });
        return;
      }
      const { outcome, dueAt } = r;
      run.log().debug({ dueAt }, outcome === 'queued' ? 'waiting for a concurrency slot' : 'delayed by the rate limit');
      const event = outcome === 'queued' ? 'job:queued' : 'job:delayed';
      if (listens(shared, event)) shared.emit?.(event, { ...runEvent(run), dueAt });
      if (dueAt !== undefined) shared.onRetry?.(task.keys.queue, Math.max(0, dueAt - shared.clock.now()));
      shared.owner.done(task, undefined, { outcome, durationMs: 0, decision: undefined });
    },
    (err: unknown) => {
      shared.owner.settled?.(task);
      shared.owner.done(task, err, undefined);
    },
  );
}
