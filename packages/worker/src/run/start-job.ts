/**
 * Start the run of one delivery (the pool's callback form: no promise per step): finish a `wake` marker, or
 * decode the entry, parse and validate the payload, find the handler and hand over to a {@link JobRun}; an
 * entry that fails any of these is recorded as a failed attempt without calling a handler.
 */
import { checkPayload, decodeEnvelope, finishMarker, type JobEnvelope } from '@sluice/core/internal';
import { withRetry } from '../loops/redis-resilience.js';
import { MissingHandlerError } from './errors.js';
import { gateAndInvoke } from './flow-gate.js';
import { JobRun } from './job-run.js';
import type { Delivered, RunShared } from './run-types.js';

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

/** Run `task` with the shared parts: `shared.owner.done` is called exactly once. Never throws. */
export function startJob(shared: RunShared, task: Delivered): void {
  if (task.marker) {
    withRetry(() => finishMarker(shared.exec, task.keys, task.delivery.entryId)).then(
      () => {
        shared.onMarker?.(task.keys.queue);
        shared.owner.done(task, undefined, { outcome: 'marker', durationMs: 0, decision: undefined });
      },
      (err: unknown) => shared.owner.done(task, err, undefined),
    );
    return;
  }
  const decoded = decodeEnvelope(task.fields);
  const envelope = decoded.ok ? decoded.job : partialEnvelope(decoded.partial);
  const job = shared.jobs.get(envelope.name);
  const run = new JobRun(shared, task, envelope, job);
  if (!decoded.ok) {
    run.finish({ ok: false, error: new Error(decoded.reason), phase: 'payload' });
    return;
  }
  let payload: unknown;
  let raw: unknown;
  try {
    payload = raw = parsePayload(envelope, shared.enqueueCtx.maxPayloadBytes);
    if (job) payload = checkPayload(envelope.name, job.schema, payload);
  } catch (error) {
    run.finish({ ok: false, error, phase: 'payload' });
    return;
  }
  if (!job) {
    const names = [...shared.jobs.keys()].join(', ') || 'none';
    const error = new MissingHandlerError(`no handler for job "${envelope.name}" in this worker (jobs: ${names})`);
    run.finish({ ok: false, error, phase: 'handler' });
    return;
  }
  if (payload instanceof Promise) {
    payload.then(
      (value: unknown) => (job.limits ? gateAndInvoke(run, raw, value) : run.invoke(value)),
      (error: unknown) => run.finish({ ok: false, error, phase: 'payload' }),
    );
  } else if (job.limits) gateAndInvoke(run, raw, payload);
  else run.invoke(payload);
}
