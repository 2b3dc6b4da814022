/**
 * enqueue / enqueueMany: validate (schema, JSON, size) before anything is written, then one XADD for an
 * immediate job, or the enqueue script for a delayed or idempotent one. enqueueMany pipelines a batch of XADDs
 * in one write (auto-pipelining) and validates the whole batch first, so a bad payload writes nothing.
 */
import type { RedisExecutor } from './connection.js';
import type { AnyJob, EnqueueOptions, EnqueueResult } from './define-job.js';
import { isJobDefinition } from './define-job.js';
import { parseDuration } from './duration.js';
import { enqueueFlowOf } from './enqueue-limits.js';
import { EnqueueManyError, recoverBatch, retryIdempotent, settleWithin } from './enqueue-recover.js';
import { SluiceArgumentError } from './errors.js';
import { encodePayload, envelopeFields, type JobEnvelope, newJobId } from './job.js';
import { assertJobName, queueKeys, queuesKey } from './keys.js';
import { assertGroupKey, assertPriority, laneOf } from './lanes.js';
import { DEFAULTS } from './options.js';
import { type EnqueueFlow, type EnqueueMode, runEnqueue, runEnqueueFlow, runEnqueueLane } from './scripts/index.js';
import { sendUnder, startSend, type Telemetry } from './telemetry.js';
import { checkPayload, validatePayload } from './validate.js';

/** Settings an enqueuer needs. */
export interface EnqueueContext {
  exec: RedisExecutor;
  prefix: string;
  maxPayloadBytes: number;
  /** Queues already added to the `queues` set by this process. */
  known: Set<string>;
  /** After each write, wait for this many replicas to acknowledge it (WAIT); default: don't wait. */
  replicaAcks?: ReplicaAcks | undefined;
  /** Told after jobs were written to `queue` (not for a deduplicated enqueue), e.g. to count them; default none. */
  onEnqueued?: ((queue: string, job: string, count: number) => void) | undefined;
  /** OpenTelemetry send spans and metrics (telemetry.ts); default none (no span work). */
  telemetry?: Telemetry | undefined;
}

/** Wait for replicas after each enqueue, so an acknowledged enqueue survives a failover. */
export interface ReplicaAcks {
  /** Replicas that must acknowledge the write. */
  replicas: number;
  /** Longest wait in ms; fewer acknowledgements by then reject the enqueue (retry it with its idempotency key). */
  timeoutMs: number;
}

/** WAIT for the configured replicas on the queue's node; throws when too few acknowledged in time. */
async function awaitReplicas(ctx: EnqueueContext, key: string, queue: string): Promise<void> {
  const r = ctx.replicaAcks;
  if (!r) return;
  const acked = Number(await ctx.exec.send(['WAIT', String(r.replicas), String(r.timeoutMs)], key));
  if (acked < r.replicas) {
    throw new Error(
      `enqueue to queue "${queue}" was written but only ${acked} of ${r.replicas} replica(s) acknowledged it within ${r.timeoutMs} ms; it may not survive a failover (retry with the same idempotency key)`,
    );
  }
}

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

/** A job definition or, untyped, a job name. */
export type JobRef = AnyJob | string;

function whenOf(opts: EnqueueOptions | undefined): EnqueueMode {
  if (opts?.delay !== undefined && opts.at !== undefined) {
    throw new SluiceArgumentError('enqueue: give either delay or at, not both');
  }
  if (opts?.delay !== undefined) {
    const ms = parseDuration(opts.delay, 'delay');
    return ms > 0 ? { mode: 'delay', ms } : { mode: 'now' };
  }
  if (opts?.at !== undefined) {
    const t = opts.at instanceof Date ? opts.at.getTime() : opts.at;
    if (!Number.isFinite(t))
      throw new SluiceArgumentError(`at expects a Date or epoch milliseconds; got ${String(opts.at)}`);
    return { mode: 'at', epochMs: t };
  }
  return { mode: 'now' };
}

async function prepare(ctx: EnqueueContext, ref: JobRef, payload: unknown, opts: EnqueueOptions | undefined) {
  const job = isJobDefinition(ref) ? ref : undefined;
  const name = job ? job.name : ref;
  assertJobName(name, 'enqueue: job name');
  if (job) await validatePayload(name, job.schema, payload);
  const data = encodePayload(name, payload, ctx.maxPayloadBytes);
  const keys = queueKeys(ctx.prefix, opts?.queue ?? job?.queue ?? name);
  if (opts?.key !== undefined && (typeof opts.key !== 'string' || opts.key === '')) {
    throw new SluiceArgumentError('key (idempotency key) must be a non-empty string');
  }
  const env: JobEnvelope = {
    id: newJobId(),
    name,
    data,
    attempt: 1,
    enqueuedAt: Date.now(),
    trace: opts?.trace,
    key: opts?.key,
    ...laneFields(job, payload, opts),
  };
  const when = whenOf(opts);
  const flow = enqueueFlowOf(keys, job, name, payload, opts, when);
  if (flow && env.lane !== undefined) {
    const lane = env.lane === 'fair' ? 'group' : 'priority';
    throw new SluiceArgumentError(`enqueue: ${flow.kind} and ${lane} cannot be combined (docs/flow-control.md)`);
  }
  return { keys, env, when, flow };
}

/** The lane and group key of a job (lanes.ts); none for the default stream. */
function laneFields(job: AnyJob | undefined, payload: unknown, opts: EnqueueOptions | undefined) {
  assertPriority(opts?.priority, 'enqueue: priority');
  let group = opts?.group;
  if (group !== undefined) assertGroupKey(group, 'enqueue: group');
  else if (job?.group) {
    group = job.group(payload);
    assertGroupKey(group, `job "${job.name}": group(payload)`);
  }
  const lane = laneOf(opts?.priority ?? job?.priority, group);
  return lane === undefined ? {} : { lane, group: lane === 'fair' ? group : undefined };
}

async function register(ctx: EnqueueContext, queue: string): Promise<void> {
  if (ctx.known.has(queue)) return;
  const add = () => ctx.exec.send(['SADD', queuesKey(ctx.prefix), queue], queuesKey(ctx.prefix));
  await add().catch((e: unknown) => retryIdempotent(add, e));
  ctx.known.add(queue);
}

/** Enqueue one job. */
export async function enqueue(
  ctx: EnqueueContext,
  ref: JobRef,
  payload: unknown,
  opts?: EnqueueOptions,
): Promise<EnqueueResult> {
  const { keys, env, when, flow } = await prepare(ctx, ref, payload, opts);
  if (flow) return enqueueFlowed(ctx, keys, env, flow);
  const t = ctx.telemetry;
  if (!t) return enqueueOne(ctx, keys, env, when, opts);
  const now = when.mode === 'now';
  const op = startSend(t, keys.queue, env.name, now ? undefined : env.id);
  if (env.trace === undefined) env.trace = op.traceparent; // the creation context, written once
  const write = async () => {
    const r = await enqueueOne(ctx, keys, env, when, opts);
    if (now) op.span?.setAttribute('messaging.message.id', r.id); // an immediate job's id is its entry id
    return r;
  };
  return sendUnder(t, op, keys.queue, 1, write, (r) => (r.deduplicated ? 0 : 1));
}

/** An enqueue under debounce or throttle (docs/flow-control.md): one script; a skip writes nothing. */
async function enqueueFlowed(
  ctx: EnqueueContext,
  keys: ReturnType<typeof queueKeys>,
  env: JobEnvelope,
  flow: EnqueueFlow,
): Promise<EnqueueResult> {
  await register(ctx, keys.queue);
  const r = await runEnqueueFlow(ctx.exec, keys, env, flow);
  await awaitReplicas(ctx, keys.stream, keys.queue);
  if (r.skipped) return { id: r.id, deduplicated: false, skipped: r.skipped, queue: keys.queue };
  ctx.onEnqueued?.(keys.queue, env.name, 1);
  return { id: r.id, deduplicated: false, queue: keys.queue };
}

async function enqueueOne(
  ctx: EnqueueContext,
  keys: ReturnType<typeof queueKeys>,
  env: JobEnvelope,
  when: EnqueueMode,
  opts: EnqueueOptions | undefined,
): Promise<EnqueueResult> {
  await register(ctx, keys.queue);
  if (env.lane !== undefined) {
    const dedup = env.key === undefined ? undefined : { key: env.key, ttlMs: keyTtl(opts) };
    const r = await runEnqueueLane(ctx.exec, keys, env, when, dedup);
    await awaitReplicas(ctx, keys.stream, keys.queue);
    if (!r.deduplicated) ctx.onEnqueued?.(keys.queue, env.name, 1);
    return { ...r, queue: keys.queue };
  }
  if (when.mode === 'now' && env.key === undefined) {
    const id = String(await ctx.exec.send(['XADD', keys.stream, '*', ...envelopeFields(env, false)], keys.stream));
    await awaitReplicas(ctx, keys.stream, keys.queue);
    ctx.onEnqueued?.(keys.queue, env.name, 1);
    return { id, deduplicated: false, queue: keys.queue };
  }
  const ttl = keyTtl(opts);
  const r = await runEnqueue(
    ctx.exec,
    keys,
    env,
    when,
    env.key === undefined ? undefined : { key: env.key, ttlMs: ttl },
  );
  await awaitReplicas(ctx, keys.stream, keys.queue);
  if (!r.deduplicated) ctx.onEnqueued?.(keys.queue, env.name, 1);
  return { ...r, queue: keys.queue };
}

function keyTtl(opts: EnqueueOptions | undefined): number {
  const ttl = opts?.keyTtl ?? DEFAULTS.keyTtl;
  if (!(Number.isInteger(ttl) && ttl > 0))
    throw new SluiceArgumentError(`keyTtl must be positive milliseconds; got ${ttl}`);
  return ttl;
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
  const keys = queueKeys(ctx.prefix, opts?.queue ?? job?.queue ?? name);
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
      envs[i] = { id: newJobId(), name, data, attempt: 1, enqueuedAt, trace: opts?.trace, ...lane };
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
