/**
 * enqueueMany: validates the whole batch first, so a bad payload writes nothing, then writes each batch of immediate
 * jobs as a few script calls (each atomic), or of delayed and lane jobs as one script call per job, pipelined; a
 * failed write is recovered (immediate) or reported job by job (enqueue-recover.ts).
 */
import type { EnqueueOptions, EnqueueResult } from './define-job.js';
import { isJobDefinition } from './define-job.js';
import { awaitReplicas, type EnqueueContext, type JobRef, keysOf, laneFields, register, whenOf } from './enqueue.js';
import { EnqueueManyError, recoverBatch, settleWithin } from './enqueue-recover.js';
import { SluiceArgumentError } from './errors.js';
import { encodePayload, type JobEnvelope, newJobId } from './job.js';
import { assertJobName, type queueKeys } from './keys.js';
import { DEFAULTS } from './options.js';
import { batchHead, type EnqueueMode, runEnqueue, runEnqueueBatch, runEnqueueLane } from './scripts/index.js';
import { sendUnder, startSend } from './telemetry.js';
import { checkPayload } from './validate.js';

/**
 * A delayed or lane batch whose write failed: throws {@link EnqueueManyError} naming the jobs acknowledged (they are
 * not re-sent: a delayed job has no entry to look up). `first`: index of the batch's first job; `total`: of the call.
 */
async function failedBatch(
  batch: readonly JobEnvelope[],
  sent: readonly Promise<unknown>[],
  first: number,
  total: number,
  cause: unknown,
): Promise<never> {
  const { values } = await settleWithin(sent);
  const idx = (pred: (k: number) => boolean) => [...values.keys()].filter(pred).map((k) => first + k);
  const rest = Array.from({ length: total - first - batch.length }, (_, k) => first + batch.length + k);
  const written = [...Array.from({ length: first }, (_, k) => k), ...idx((k) => values[k] !== undefined)];
  const unknown = idx((k) => values[k] === undefined);
  throw new EnqueueManyError(
    `enqueueMany: ${written.length} of ${total} jobs written; ${unknown.length} sent without a reply, ${rest.length} not written: ${cause instanceof Error ? cause.message : String(cause)}`,
    written,
    rest,
    unknown,
    { cause },
  );
}

/**
 * Enqueue many payloads of one job. Every payload is validated first (nothing is written if one is bad). Immediate
 * jobs of the default stream go out in batches of at most `DEFAULTS.enqueueBatch` jobs and
 * `DEFAULTS.enqueueBatchChars` payload characters, each as pipelined script calls of up to 250 jobs (a call adds
 * all its jobs or none); delayed and lane jobs in batches of `DEFAULTS.enqueueBatch` pipelined script calls.
 * Idempotency keys are per job, so `options.key` is refused here. When an immediate batch's write fails (e.g. the
 * queue's master dies), the jobs without a reply are looked up by their fields and re-sent once the queue's node
 * answers again (a promoted replica), for up to `DEFAULTS.enqueueRecoverMs`; then an {@link EnqueueManyError}
 * names exactly which payloads were written.
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
  // unless the schema is async. The lane depends on the payload only through the job's group function.
  const schema = job?.schema;
  const perPayloadLane = job?.group !== undefined && opts?.group === undefined;
  const data: string[] = new Array(payloads.length);
  const lanes: Lanes[] | undefined = perPayloadLane ? new Array(payloads.length) : undefined;
  let lane: Lanes = {};
  for (let i = 0; i < payloads.length; i++) {
    try {
      if (schema) {
        const checked = checkPayload(name, schema, payloads[i]);
        if (checked instanceof Promise) await checked;
      }
      data[i] = encodePayload(name, payloads[i], ctx.maxPayloadBytes);
      if (i === 0 || lanes) lane = laneFields(job, payloads[i], opts);
      if (lanes) lanes[i] = lane;
    } catch (e) {
      if (e instanceof Error) e.message = `payloads[${i}]: ${e.message}`;
      throw e;
    }
  }
  if (data.length === 0) return [];
  // a job in a lane (priority high/low, a fair group) goes through its script, like a delayed one
  const plain = when.mode === 'now' && (lanes ? lanes.every((l) => l.lane === undefined) : lane.lane === undefined);
  const t = ctx.telemetry;
  const envs = (trace: string | undefined): JobEnvelope[] =>
    data.map((d, i) => ({ id: newJobId(), name, data: d, attempt: 1, enqueuedAt, trace, ...(lanes?.[i] ?? lane) }));
  const write = (trace: string | undefined) =>
    plain
      ? writePlain(ctx, keys, { id: '', name, data: '', attempt: 1, enqueuedAt, trace }, data)
      : writeScripted(ctx, keys, name, envs(trace), when);
  if (!t) return write(opts?.trace);
  const op = startSend(t, keys.queue, name, undefined, data.length);
  return sendUnder(t, op, keys.queue, data.length, () => write(opts?.trace ?? op.traceparent));
}

/** The lane fields of a job (enqueue.ts laneFields). */
type Lanes = ReturnType<typeof laneFields>;

/** Register the queue, or throw {@link EnqueueManyError} naming every job as not written. */
async function registerAll(ctx: EnqueueContext, queue: string, total: number): Promise<void> {
  await register(ctx, queue).catch((e: unknown) => {
    const why = `enqueueMany: 0 of ${total} jobs written (the queue could not be registered): ${e instanceof Error ? e.message : String(e)}`;
    const all = Array.from({ length: total }, (_, k) => k);
    throw new EnqueueManyError(why, [], all, [], { cause: e });
  });
}

/**
 * Jobs per enqueue-batch call: a batch goes out as pipelined calls of this many, so Redis runs the first while the
 * rest arrive and the producer reads one reply while Redis runs the next (one call of 1000 measured slower).
 */
const CALL_JOBS = 250;

/**
 * An immediate batch whose write failed: the jobs of the calls without a reply (each call wrote all its jobs or
 * none) are looked up and re-sent by {@link recoverBatch}; returns the batch's entry ids.
 */
async function failedPlain(
  ctx: EnqueueContext,
  stream: string,
  shared: JobEnvelope,
  batch: readonly string[],
  calls: readonly Promise<string[]>[],
  at: { after: string; first: number; total: number },
  cause: unknown,
): Promise<string[]> {
  const { values } = await settleWithin(calls);
  // a call without a reply (a hole in `values`) leaves its jobs undefined
  const ids = batch.map((_, j): string | undefined => values[Math.floor(j / CALL_JOBS)]?.[j % CALL_JOBS]);
  const firstMissing = ids.indexOf(undefined);
  const lastBefore = ids.findLastIndex((v, k) => v !== undefined && k < firstMissing);
  const after = lastBefore >= 0 ? `(${ids[lastBefore]}` : at.after;
  const envs = batch.map((data) => ({ ...shared, data }));
  return recoverBatch(ctx.exec, stream, envs, ids, after, at.first, cause, at.total);
}

/**
 * Immediate jobs of the default stream: each batch goes out as pipelined enqueue-batch script calls of
 * `CALL_JOBS` (each writes all its jobs or none); a failed one is recovered (looked up and re-sent, see
 * {@link recoverBatch}). `shared`: the envelope every job of the call shares but for its payload (`data`).
 */
async function writePlain(
  ctx: EnqueueContext,
  keys: ReturnType<typeof queueKeys>,
  shared: JobEnvelope,
  data: readonly string[],
): Promise<EnqueueResult[]> {
  await registerAll(ctx, keys.queue, data.length);
  const head = batchHead(shared);
  const out: EnqueueResult[] = new Array(data.length);
  // Exclusive lower bound of where this call's entries can be in the stream (for the failure path only).
  let after = `${Math.max(0, shared.enqueuedAt - 300_000)}`;
  for (let i = 0; i < data.length; ) {
    let end = i + 1;
    for (let chars = (data[i] as string).length; end < data.length && end - i < DEFAULTS.enqueueBatch; end++) {
      chars += (data[end] as string).length;
      if (chars > DEFAULTS.enqueueBatchChars) break;
    }
    const batch = data.slice(i, end);
    const calls: Promise<string[]>[] = [];
    for (let k = 0; k < batch.length; k += CALL_JOBS) {
      calls.push(runEnqueueBatch(ctx.exec, keys.stream, head, batch.slice(k, k + CALL_JOBS)));
    }
    let ids: string[];
    try {
      ids = calls.length === 1 ? await (calls[0] as Promise<string[]>) : (await Promise.all(calls)).flat();
    } catch (e) {
      ids = await failedPlain(ctx, keys.stream, shared, batch, calls, { after, first: i, total: data.length }, e);
    }
    after = `(${ids[ids.length - 1] as string}`;
    await awaitReplicas(ctx, keys.stream, keys.queue);
    ctx.onEnqueued?.(keys.queue, shared.name, batch.length);
    // an immediate job's id is its entry id
    for (let j = 0; j < ids.length; j++) out[i + j] = { id: ids[j] as string, deduplicated: false, queue: keys.queue };
    i = end;
  }
  return out;
}

/** Delayed or lane jobs: each batch of `DEFAULTS.enqueueBatch` as pipelined script calls; a failure throws. */
async function writeScripted(
  ctx: EnqueueContext,
  keys: ReturnType<typeof queueKeys>,
  name: string,
  envs: JobEnvelope[],
  when: EnqueueMode,
): Promise<EnqueueResult[]> {
  await registerAll(ctx, keys.queue, envs.length);
  const out: EnqueueResult[] = new Array(envs.length);
  for (let i = 0; i < envs.length; i += DEFAULTS.enqueueBatch) {
    const batch = envs.slice(i, i + DEFAULTS.enqueueBatch);
    const sent = batch.map((env) =>
      env.lane !== undefined ? runEnqueueLane(ctx.exec, keys, env, when) : runEnqueue(ctx.exec, keys, env, when),
    );
    try {
      await Promise.all(sent);
    } catch (e) {
      await failedBatch(batch, sent, i, envs.length, e);
    }
    await awaitReplicas(ctx, keys.stream, keys.queue);
    ctx.onEnqueued?.(keys.queue, name, batch.length);
    // a delayed or lane job keeps the id it was given
    for (let j = 0; j < batch.length; j++) {
      out[i + j] = { id: (batch[j] as JobEnvelope).id, deduplicated: false, queue: keys.queue };
    }
  }
  return out;
}
