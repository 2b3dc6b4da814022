/**
 * enqueue: validate (schema, JSON, size) before anything is written, then one XADD for an immediate job, or the
 * enqueue script for a delayed, idempotent, prioritised, grouped or debounced one. enqueueMany is in
 * enqueue-many.ts and shares the helpers exported here.
 */
import type { RedisExecutor } from './connection.js';
import type { AnyJob, EnqueueOptions, EnqueueResult } from './define-job.js';
import { isJobDefinition } from './define-job.js';
import { parseDuration } from './duration.js';
import { enqueueFlowOf } from './enqueue-limits.js';
import { retryIdempotent } from './enqueue-recover.js';
import { SluiceArgumentError } from './errors.js';
import { encodePayload, envelopeFields, type JobEnvelope, newJobId } from './job.js';
import { assertJobName, type QueueKeys, queueKeys, queuesKey } from './keys.js';
import { assertGroupKey, assertPriority, laneOf } from './lanes.js';
import { DEFAULTS } from './options.js';
import { type EnqueueFlow, type EnqueueMode, runEnqueue, runEnqueueFlow, runEnqueueLane } from './scripts/index.js';
import { sendUnder, startSend, type Telemetry } from './telemetry.js';
import { validatePayload } from './validate.js';

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
export async function awaitReplicas(ctx: EnqueueContext, key: string, queue: string): Promise<void> {
  const r = ctx.replicaAcks;
  if (!r) return;
  const acked = Number(await ctx.exec.send(['WAIT', String(r.replicas), String(r.timeoutMs)], key));
  if (acked < r.replicas) {
    throw new Error(
      `enqueue to queue "${queue}" was written but only ${acked} of ${r.replicas} replica(s) acknowledged it within ${r.timeoutMs} ms; it may not survive a failover (retry with the same idempotency key)`,
    );
  }
}

/** Queue keys by prefix and queue, built once (queueKeys checks both names and builds ~20 strings). */
const KEYS_CACHE = new Map<string, QueueKeys>();

/** `queueKeys(prefix, queue)`, cached: an enqueue needs them every time (at most 1000 queues are kept). */
export function keysOf(prefix: string, queue: string): QueueKeys {
  const id = `${prefix}\n${queue}`;
  let k = KEYS_CACHE.get(id);
  if (k === undefined) {
    k = queueKeys(prefix, queue);
    if (KEYS_CACHE.size >= 1000) KEYS_CACHE.clear();
    KEYS_CACHE.set(id, k);
  }
  return k;
}

/** A job definition or, untyped, a job name. */
export type JobRef = AnyJob | string;

export function whenOf(opts: EnqueueOptions | undefined): EnqueueMode {
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
  if (job?.schema) await validatePayload(name, job.schema, payload);
  const data = encodePayload(name, payload, ctx.maxPayloadBytes);
  const keys = keysOf(ctx.prefix, opts?.queue ?? job?.queue ?? name);
  if (opts?.key !== undefined && (typeof opts.key !== 'string' || opts.key === '')) {
    throw new SluiceArgumentError('key (idempotency key) must be a non-empty string');
  }
  const env: JobEnvelope = {
    // a job added straight to the stream takes its entry id as id: no UUID for it (set below when one is needed)
    id: '',
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
  if (flow || when.mode !== 'now' || env.key !== undefined || env.lane !== undefined) env.id = newJobId();
  if (flow && env.lane !== undefined) {
    const lane = env.lane === 'fair' ? 'group' : 'priority';
    throw new SluiceArgumentError(`enqueue: ${flow.kind} and ${lane} cannot be combined (docs/flow-control.md)`);
  }
  return { keys, env, when, flow };
}

/** The lane and group key of a job (lanes.ts); none for the default stream. */
export function laneFields(job: AnyJob | undefined, payload: unknown, opts: EnqueueOptions | undefined) {
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

export async function register(ctx: EnqueueContext, queue: string): Promise<void> {
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
  if (!ctx.known.has(keys.queue)) await register(ctx, keys.queue);
  if (env.lane !== undefined) {
    const dedup = env.key === undefined ? undefined : { key: env.key, ttlMs: keyTtl(opts) };
    const r = await runEnqueueLane(ctx.exec, keys, env, when, dedup);
    await awaitReplicas(ctx, keys.stream, keys.queue);
    if (!r.deduplicated) ctx.onEnqueued?.(keys.queue, env.name, 1);
    return { ...r, queue: keys.queue };
  }
  if (when.mode === 'now' && env.key === undefined) {
    const id = String(
      await ctx.exec.send(['XADD', keys.stream, '*', ...envelopeFields(env, false, false)], keys.stream),
    );
    if (ctx.replicaAcks) await awaitReplicas(ctx, keys.stream, keys.queue);
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
