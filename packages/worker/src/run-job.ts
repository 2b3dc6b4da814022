/**
 * Run one delivery: decode, validate, call the handler with its context, classify the outcome and apply it with
 * one fenced script (ack, retry later, dead-letter, hand back). Usable without the consumer loop (serverless
 * drivers): give it a connection, the queue's keys, a consumer name, the delivery and the entry's raw fields.
 */
import {
  type AnyJob,
  ackDeliveries,
  type Clock,
  type Delivery,
  deadLetter,
  decodeEnvelope,
  type EnqueueContext,
  type Fenced,
  finishMarker,
  isWakeMarker,
  type JobEnvelope,
  LeaseLost,
  leaseLostMessage,
  type QueueKeys,
  type RedisExecutor,
  retryLater,
  systemClock,
  validatePayload,
} from '@sluice/core';
import type { Logger } from 'pino';
import { type Attempt, classify, type Decision, JobInterrupt, MissingHandlerError } from './classify.js';
import { createJobContext, lazyChild } from './context.js';
import type { Emit } from './events.js';
import { withRetry } from './retry.js';
import { RunSignal } from './run-signal.js';

/** Everything one run needs. */
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
  /** Abort from outside with a {@link JobInterrupt} reason: `shutdown` hands the job back, `lease-lost` drops it. */
  interrupt?: Pick<RunSignal, 'aborted' | 'reason' | 'onAbort'>;
  /** Acknowledge (default: one direct fenced ack; the worker passes its batcher). */
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

/** What happened to the delivery. */
export type RunOutcome = 'succeeded' | 'retrying' | 'dead' | 'handed-back' | 'lease-lost' | 'marker';

/** The result of {@link runJob}. */
export interface RunJobResult {
  outcome: RunOutcome;
  /** Handler time in ms (0 when it did not run). */
  durationMs: number;
  /** The decision applied. */
  decision: Decision | undefined;
}

/** Run a fenced transition, retrying transient failures; NOT-PENDING after a retry means the first try landed. */
async function fenced<T extends Fenced>(fn: () => Promise<T>): Promise<T | { ok: true }> {
  let retried = false;
  const r = await withRetry((n) => {
    retried = n > 0;
    return fn();
  });
  return !r.ok && retried && r.lost === LeaseLost.NotPending ? { ok: true } : r;
}

/** Run one delivery to its end. Never throws for job errors; rejects only when Redis stays unreachable. */
export async function runJob(o: RunJobOptions): Promise<RunJobResult> {
  const clock = o.clock ?? systemClock;
  const ack = o.ack ?? (async (keys, d) => (await ackDeliveries(o.exec, keys, o.consumer, [d]))[0] as Fenced);
  if (isWakeMarker(o.fields)) {
    await withRetry(() => finishMarker(o.exec, o.keys, o.delivery.entryId));
    o.onMarker?.();
    return { outcome: 'marker', durationMs: 0, decision: undefined };
  }
  const decoded = decodeEnvelope(o.fields);
  const env: JobEnvelope = decoded.ok
    ? decoded.job
    : {
        id: decoded.partial.id ?? '',
        name: decoded.partial.name ?? '',
        data: decoded.partial.data ?? '',
        attempt: decoded.partial.attempt ?? 1,
        enqueuedAt: decoded.partial.enqueuedAt ?? 0,
      };
  const job = o.jobs.get(env.name);
  const base = {
    queue: o.keys.queue,
    name: env.name,
    jobId: env.id,
    attempt: env.attempt,
    entryId: o.delivery.entryId,
  };
  // Most runs succeed and never log: the child logger is made on first use (lazyChild).
  const log = lazyChild(o.log, { queue: o.keys.queue, job: env.name, jobId: env.id, attempt: env.attempt });
  let attempt: Attempt;
  let durationMs = 0;
  let payload: unknown;
  try {
    if (!decoded.ok) throw new Error(decoded.reason);
    // enqueue refuses payloads over maxPayloadBytes; one written around it (raw XADD) is dead-lettered, not run.
    const max = o.enqueueCtx.maxPayloadBytes;
    const size = env.data.length > max / 3 ? Buffer.byteLength(env.data) : 0;
    if (size > max) {
      throw new Error(
        `payload of job "${env.name}" is ${size} bytes, over the limit of ${max} bytes (maxPayloadBytes)`,
      );
    }
    try {
      payload = JSON.parse(env.data);
    } catch (e) {
      throw new Error(`payload of job "${env.name}" is not valid JSON: ${(e as Error).message}`);
    }
    if (job) payload = await validatePayload(env.name, job.schema, payload);
    attempt = { ok: true };
  } catch (error) {
    attempt = { ok: false, error, phase: 'payload' };
  }
  if (attempt.ok && !job) {
    attempt = {
      ok: false,
      phase: 'handler',
      error: new MissingHandlerError(
        `no handler for job "${env.name}" in this worker (jobs: ${[...o.jobs.keys()].join(', ') || 'none'})`,
      ),
    };
  } else if (attempt.ok && job) {
    const run = await callHandler(o, job, env, payload, log, clock);
    attempt = run.attempt;
    durationMs = run.durationMs;
  }
  o.onSettled?.();
  const decision = classify(env, job, attempt, clock.now(), o.random);
  return { ...(await apply(o, env, decision, base, durationMs, ack, log)), durationMs, decision };
}

async function callHandler(
  o: RunJobOptions,
  job: AnyJob,
  env: JobEnvelope,
  payload: unknown,
  log: () => Logger,
  clock: Clock,
): Promise<{ attempt: Attempt; durationMs: number }> {
  const run = new RunSignal();
  const aborted = new Promise<never>((_, reject) => {
    run.onAbort(reject);
  });
  aborted.catch(() => {});
  const offInterrupt = o.interrupt?.onAbort((reason) => run.abort(reason));
  let timer: NodeJS.Timeout | undefined;
  if (job.timeout !== undefined) {
    timer = setTimeout(() => {
      run.abort(new JobInterrupt('timeout', `job "${job.name}" timed out after ${job.timeout} ms`));
    }, job.timeout);
  }
  o.emit?.('job:started', {
    queue: o.keys.queue,
    name: env.name,
    jobId: env.id,
    attempt: env.attempt,
    entryId: o.delivery.entryId,
  });
  o.onStart?.();
  const started = clock.monotonic();
  const ctx = createJobContext(env, o.keys.queue, run, log, o.enqueueCtx);
  const handler = Promise.resolve().then(() => job.handler(payload, ctx));
  try {
    await Promise.race([handler, aborted]);
    return { attempt: { ok: true }, durationMs: clock.monotonic() - started };
  } catch (error) {
    if (run.aborted && error === run.reason) lateResult(o, handler, error as JobInterrupt, log);
    return { attempt: { ok: false, error, phase: 'handler' }, durationMs: clock.monotonic() - started };
  } finally {
    clearTimeout(timer);
    offInterrupt?.();
  }
}

/** A handler cut short may still finish: its ack must be (and is) rejected by the fence. */
function lateResult(o: RunJobOptions, handler: Promise<unknown>, why: JobInterrupt, log: () => Logger): void {
  handler.then(
    async () => {
      if (why.kind === 'shutdown')
        return log().warn('handler finished after its job was handed back at shutdown; result dropped');
      try {
        const r = await ackDeliveries(o.exec, o.keys, o.consumer, [o.delivery]);
        const f = r[0];
        if (f && !f.ok) {
          log().warn(
            { reason: leaseLostMessage(f.lost) },
            `late result after ${why.kind} rejected by the fence (the job runs elsewhere)`,
          );
          o.emit?.('job:lease-lost', {
            queue: o.keys.queue,
            name: o.fields.name ?? '',
            jobId: o.fields.id ?? '',
            attempt: Number(o.fields.attempt),
            entryId: o.delivery.entryId,
            during: 'finish',
          });
        } else log().info(`late result after ${why.kind} acknowledged (the job had not been moved yet)`);
      } catch (err) {
        log().debug({ err }, 'late result: ack failed');
      }
    },
    (err) => log().debug({ err }, `handler failed after ${why.kind}; ignored`),
  );
}

async function apply(
  o: RunJobOptions,
  env: JobEnvelope,
  d: Decision,
  base: { queue: string; name: string; jobId: string; attempt: number; entryId: string },
  durationMs: number,
  ack: (keys: QueueKeys, d: Delivery) => Promise<Fenced>,
  log: () => Logger,
): Promise<{ outcome: RunOutcome }> {
  let r: Fenced | { ok: true };
  switch (d.kind) {
    case 'abandon':
      return { outcome: 'lease-lost' };
    case 'ack':
      r = await withRetry(() => ack(o.keys, o.delivery));
      break;
    case 'retry':
    case 'hand-back': {
      const delay = d.kind === 'retry' ? d.delayMs : 0;
      r = await fenced(() => retryLater(o.exec, o.keys, o.consumer, o.delivery, delay, d.next));
      break;
    }
    case 'dead':
      r = await fenced(() =>
        deadLetter(o.exec, o.keys, o.consumer, o.delivery, {
          fields: o.fields,
          reason: d.reason,
          error: d.error,
          stack: d.stack,
          attempts: env.attempt,
          firstFailedAt: d.firstFailedAt,
          failedAt: o.clock?.now() ?? Date.now(),
        }),
      );
      break;
  }
  if (!r.ok) {
    log().warn(
      { reason: leaseLostMessage(r.lost) },
      `${d.kind} rejected by the fence: another worker owns the job now`,
    );
    o.emit?.('job:lease-lost', { ...base, during: 'finish' });
    return { outcome: 'lease-lost' };
  }
  switch (d.kind) {
    case 'ack':
      o.emit?.('job:succeeded', { ...base, durationMs });
      return { outcome: 'succeeded' };
    case 'retry':
      log().info({ err: d.error, delayMs: d.delayMs }, `attempt ${env.attempt} failed; retrying in ${d.delayMs} ms`);
      o.onRetry?.(d.delayMs);
      o.emit?.('job:retrying', {
        ...base,
        durationMs,
        error: d.error,
        delayMs: d.delayMs,
        nextAttempt: d.next.attempt,
      });
      return { outcome: 'retrying' };
    case 'hand-back':
      log().info('handed back for another worker (shutdown)');
      return { outcome: 'handed-back' };
    default:
      log().warn({ reason: d.reason, error: d.error }, 'dead-lettered');
      o.emit?.('job:dead', { ...base, durationMs, reason: d.reason, error: d.error });
      return { outcome: 'dead' };
  }
}
