/**
 * enqueueMany: validates the whole batch first, so a bad payload writes nothing, then pipelines each batch of
 * XADDs in one write (auto-pipelining); a failed write is recovered or reported job by job (enqueue-recover.ts).
 */
import type { EnqueueOptions, EnqueueResult } from './define-job.js';
import { isJobDefinition } from './define-job.js';
import { awaitReplicas, type EnqueueContext, type JobRef, keysOf, laneFields, register, whenOf } from './enqueue.js';
import { EnqueueManyError, recoverBatch, settleWithin } from './enqueue-recover.js';
import { SluiceArgumentError } from './errors.js';
import { encodePayload, envelopeFields, type JobEnvelope, newJobId } from './job.js';
import { assertJobName, type queueKeys } from './keys.js';
import { DEFAULTS } from './options.js';
import { type EnqueueMode, runEnqueue, runEnqueueLane } from './scripts/index.js';
import { sendUnder, startSend } from './telemetry.js';
import { checkPayload } from './validate.js';

/**
 * A batch whose write failed: an immediate batch is recovered (looked up and re-sent, see {@link recoverBatch});
 * a delayed one throws {@link EnqueueManyError} naming the jobs acknowledged. Returns the batch's entry ids.
 */
async function failedBatch(
  ctx: EnqueueContext,
  stream: string,
  batch: readonly JobEnvelope[],
  sent: readonly Promise<unknown>[],
  at: { after: string; first: number; total: number; now: boolean },
  cause: unknown,
): Promise<string[]> {
  const { values } = await settleWithin(sent);
  if (at.now) {
    const ids = values.map((v) => (typeof v === 'string' ? v : undefined));
    const firstMissing = ids.indexOf(undefined);
    const lastBefore = ids.findLastIndex((v, k) => v !== undefined && k < firstMissing);
    const after = lastBefore >= 0 ? `(${ids[lastBefore]}` : at.after;
    return recoverBatch(ctx.exec, stream, batch, ids, after, at.first, cause, at.total);
  }
  const idx = (pred: (k: number) => boolean) => [...values.keys()].filter(pred).map((k) => at.first + k);
  const rest = Array.from({ length: at.total - at.first - batch.length }, (_, k) => at.first + batch.length + k);
  const written = [...Array.from({ length: at.first }, (_, k) => k), ...idx((k) => values[k] !== undefined)];
  const unknown = idx((k) => values[k] === undefined);
  throw new EnqueueManyError(
    `enqueueMany: ${written.length} of ${at.total} jobs written; ${unknown.length} sent without a reply, ${rest.length} not written: ${cause instanceof Error ? cause.message : String(cause)}`,
    written,
    rest,
    unknown,
    { cause },
  );
}

/**
 * Enqueue many payloads of one job. Every payload is validated first (nothing is written if one is bad);
 * then each batch of `DEFAULTS.enqueueBatch` goes out as one pipelined write. Idempotency keys are per job,
 * so `options.key` is refused here. When a write fails (e.g. the queue's master dies), the jobs without a reply
 * are looked up by their fields and re-sent once the queue's node answers again (a promoted replica), for up to
 * `DEFAULTS.enqueueRecoverMs`; then an {@link EnqueueManyError} names exactly which payloads were written.
 */
export async function enqueueMany(
  ctx: EnqueueContext,
  ref: JobRef,
  payloads: readonly unknown[],
  opts?: Omit<EnqueueOptions, 'key' | 'keyTtl' | 'debounce' | 'throttle'>,
): Promise<EnqueueResult[]> {
  if (!Array.isArray(payloads)) throw new SluiceArgumentError('enqueueMany: payloads must be an array');
  if ((opts as EnqueueOptions | undefined)?.key !== undefined) {
    throw new SluiceArgumentError('enqueueMany: key (idempotency key) is per job; use enqueue for keyed jobs');
  }
  const job = isJobDefinition(ref) ? ref : undefined;
  const name = job ? job.name : ref;
  assertJobName(name, 'enqueueMany: job name');
  const o = opts as EnqueueOptions | undefined;
  if (job?.debounce || job?.throttle || o?.debounce || o?.throttle) {
    throw new SluiceArgumentError(`enqueueMany: job "${name}" is debounced or throttled per enqueue; use enqueue`);
  }
  const keys = keysOf(ctx.prefix, opts?.queue ?? job?.queue ?? name);
  const when = whenOf(opts);
  const enqueuedAt = Date.now();
  // Validate and encode everything first (nothing is written when one payload is bad); no await per payload
  // unless the schema is async.
  const envs: JobEnvelope[] = new Array(payloads.length);
  for (let i = 0; i < payloads.length; i++) {
    try {
      const checked = job ? checkPayload(name, job.schema, payloads[i]) : undefined;
      if (checked instanceof Promise) await checked;
      const data = encodePayload(name, payloads[i], ctx.maxPayloadBytes);
      const lane = laneFields(job, payloads[i], opts);
      // an immediate job in the default stream takes its entry id as id: no UUID for it
      const id = when.mode === 'now' && lane.lane === undefined ? '' : newJobId();
      envs[i] = { id, name, data, attempt: 1, enqueuedAt, trace: opts?.trace, ...lane };
    } catch (e) {
      if (e instanceof Error) e.message = `payloads[${i}]: ${e.message}`;
      throw e;
    }
  }
  if (envs.length === 0) return [];
  const t = ctx.telemetry;
  if (!t) return writeMany(ctx, keys, name, envs, when, enqueuedAt);
  const op = startSend(t, keys.queue, name, undefined, envs.length);
  if (opts?.trace === undefined && op.traceparent !== undefined) for (const env of envs) env.trace = op.traceparent;
  return sendUnder(t, op, keys.queue, envs.length, () => writeMany(ctx, keys, name, envs, when, enqueuedAt));
}

/** enqueueMany's writes: register the queue, then each batch as one pipelined write (see enqueueMany). */
async function writeMany(
  ctx: EnqueueContext,
  keys: ReturnType<typeof queueKeys>,
  name: string,
  envs: JobEnvelope[],
  when: EnqueueMode,
  enqueuedAt: number,
): Promise<EnqueueResult[]> {
  await register(ctx, keys.queue).catch((e: unknown) => {
    const why = `enqueueMany: 0 of ${envs.length} jobs written (the queue could not be registered): ${e instanceof Error ? e.message : String(e)}`;
    throw new EnqueueManyError(why, [], [...envs.keys()], [], { cause: e });
  });
  const out: EnqueueResult[] = new Array(envs.length);
  // Exclusive lower bound of where this call's entries can be in the stream (for the failure path only).
  let after = `${Math.max(0, enqueuedAt - 300_000)}`;
  for (let i = 0; i < envs.length; i += DEFAULTS.enqueueBatch) {
    const batch = envs.slice(i, i + DEFAULTS.enqueueBatch);
    // a job in a lane (priority high/low, a fair group) goes through its script, like a delayed one
    const plain = when.mode === 'now' && batch.every((env) => env.lane === undefined);
    const sent = batch.map((env) =>
      env.lane !== undefined
        ? runEnqueueLane(ctx.exec, keys, env, when)
        : when.mode === 'now'
          ? ctx.exec.send(['XADD', keys.stream, '*', ...envelopeFields(env, false)], keys.stream)
          : runEnqueue(ctx.exec, keys, env, when),
    );
    let ids: unknown[];
    try {
      ids = await Promise.all(sent);
    } catch (e) {
      ids = await failedBatch(ctx, keys.stream, batch, sent, { after, first: i, total: envs.length, now: plain }, e);
    }
    if (plain) after = `(${ids[ids.length - 1] as string}`;
    await awaitReplicas(ctx, keys.stream, keys.queue);
    ctx.onEnqueued?.(keys.queue, name, batch.length);
    // an immediate job's id is its entry id (the XADD reply); a delayed one keeps the id it was given
    for (let j = 0; j < batch.length; j++) {
      const env = batch[j] as JobEnvelope;
      const id = when.mode === 'now' && env.lane === undefined ? String(ids[j]) : env.id;
      out[i + j] = { id, deduplicated: false, queue: keys.queue };
    }
  }
  return out;
}
