/**
 * The receiving side of a push (docs/push.md): a web-standard `(Request) => Promise<Response>` that verifies the
 * signature (any of several secrets, 5-minute window, replayed delivery ids refused, constant-time compare),
 * validates the payload with the job's schema and runs its handler with the usual ctx (signal bound to the
 * request). Answers 200 done, 422 do not retry (invalid payload, UnrecoverableError), 5xx/429 with Retry-After
 * to retry, 401 for a bad signature (the handler never runs). Jobs the handler enqueues with `ctx.enqueue` ride
 * on the 200 answer for the dispatcher to enqueue (follow-ups.ts). Edge-safe: only type imports from @sluice/core, and its pure `redact` entry.
 */
import type { AnyJob, JobContext, JobLogger } from '@sluice/core';
import type { ChainEnqueue, LogFn, Telemetry } from '@sluice/core/internal';
import { redactError } from '@sluice/core/redact';
import { endProcess, inProcess, type ProcessOp, parseTraceparent, startProcess } from '../../telemetry/process-span.js';
import { maxBodyFor, readBoundedBody } from './bounded-body.js';
import { collectFollowUps } from './follow-ups.js';
import { MemoryReplayCache, type ReplayStore } from './replay-cache.js';
import { RetryAfterError } from './retry-after.js';
import {
  DEFAULT_TOLERANCE_SEC,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySignature,
} from './signature.js';

/** The JSON body of a push: the job and this attempt. */
export interface PushBody {
  /** The job's stable id (same on every attempt: use it for idempotency). */
  id: string;
  /** Job name. */
  name: string;
  /** Queue it was read from. */
  queue: string;
  /** 1-based attempt. */
  attempt: number;
  /** The payload as enqueued (JSON). */
  payload: unknown;
  /** W3C traceparent given at enqueue, if any. */
  trace?: string;
}

/** Options of {@link createFetchHandler}. */
export interface FetchHandlerOptions {
  /** The jobs this endpoint runs (required). */
  jobs: readonly AnyJob[];
  /** Accepted secrets, newest first; any one may match (rotation). Required, at least one. */
  secrets: string | readonly string[];
  /** Record of delivery ids seen (default: an in-memory LRU; share one across instances). */
  replay?: ReplayStore;
  /** Accepted age (and clock skew ahead) of a signature, in seconds (default 300). */
  toleranceSec?: number;
  /**
   * `ctx.enqueue` (default: the jobs ride on the 200 answer and the dispatcher enqueues them before it acks, so
   * the handler needs no Redis client; their id is '' until then). Pass `sluice.enqueue` to write them at once.
   */
  enqueue?: ChainEnqueue;
  /** Logger handed to handlers as `ctx.log` (default: console, info and above). */
  log?: JobLogger;
  /** Largest JSON payload, in bytes: the same setting as createSluice's and the worker's (default 1 MiB). */
  maxPayloadBytes?: number;
  /** Largest accepted body in bytes; more is never read (default `maxPayloadBytes` + 64 KiB). */
  maxBodyBytes?: number;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
  /**
   * OpenTelemetry, from `await loadTelemetry()` of `@sluice/core` (default none: no span work). The process span
   * is a child of the request's context (the active span, else the `traceparent` header) with a link to the
   * job's creation context. Passed in, so this entry loads no package itself (edge-safe).
   */
  telemetry?: Telemetry | undefined;
}

/** A web-standard request handler; `maxBodyBytes` tells an adapter (toNodeListener) the largest body to read. */
export type FetchHandler = ((request: Request) => Promise<Response>) & { readonly maxBodyBytes?: number };

const reply = (status: number, body: object, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const fail = (status: number, error: string, headers?: Record<string, string>) => reply(status, { error }, headers);

/** The 413 answer to a body over `max` bytes (the connection is closed: the rest of the body is never read). */
export const tooLarge = (max: number): Response => fail(413, `body over ${max} bytes`, { connection: 'close' });

/** A console-backed logger (trace and debug are dropped). */
export function consoleLogger(bindings: Record<string, unknown> = {}): JobLogger {
  const at = (write: (...a: unknown[]) => void): LogFn =>
    ((first: unknown, ...rest: unknown[]) =>
      typeof first === 'string'
        ? write(first, ...rest, bindings)
        : write(rest[0] ?? '', { ...bindings, ...(first as object) })) as LogFn;
  const none = (() => {}) as LogFn;
  return {
    trace: none,
    debug: none,
    info: at(console.log),
    warn: at(console.warn),
    error: at(console.error),
    fatal: at(console.error),
  };
}

const pathOf = (path: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined): string =>
  (path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.');

/** Validate with the job's Standard Schema; the error text names every bad field (as core's validatePayload). */
async function validate(
  job: AnyJob,
  value: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  if (!job.schema) return { ok: true, value };
  let r = job.schema['~standard'].validate(value);
  if (r instanceof Promise) r = await r;
  if (!r.issues) return { ok: true, value: r.value };
  const issues = r.issues.map((i) => (pathOf(i.path) ? `${pathOf(i.path)}: ${i.message}` : i.message));
  return { ok: false, error: `invalid payload for job "${job.name}": ${issues.join('; ') || 'rejected by schema'}` };
}

function parseBody(text: string): PushBody | undefined {
  let b: unknown;
  try {
    b = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = b as Partial<PushBody> | null;
  if (!o || typeof o !== 'object' || typeof o.id !== 'string' || typeof o.name !== 'string') return undefined;
  if (typeof o.queue !== 'string' || !Number.isInteger(o.attempt) || (o.attempt as number) < 1) return undefined;
  if (o.trace !== undefined && typeof o.trace !== 'string') return undefined;
  return o as PushBody;
}

/** Build the handler. Throws when no secret is given or two jobs share a name. */
export function createFetchHandler(o: FetchHandlerOptions): FetchHandler {
  const secrets = (typeof o.secrets === 'string' ? [o.secrets] : [...(o.secrets ?? [])]).filter((s) => s !== '');
  if (secrets.length === 0) throw new TypeError('createFetchHandler: secrets must hold at least one non-empty secret');
  const jobs = new Map<string, AnyJob>();
  for (const j of o.jobs ?? []) {
    if (jobs.has(j.name)) throw new TypeError(`createFetchHandler: job "${j.name}" is given twice`);
    jobs.set(j.name, j);
  }
  const replay: ReplayStore = o.replay ?? new MemoryReplayCache();
  const toleranceSec = o.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  const maxBody = o.maxBodyBytes ?? maxBodyFor(o.maxPayloadBytes);
  for (const [k, v] of [
    ['maxBodyBytes', maxBody],
    ['maxPayloadBytes', o.maxPayloadBytes ?? 1],
  ] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new TypeError(`createFetchHandler: ${k} must be a positive integer`);
  }
  const now = o.now ?? Date.now;
  const log = o.log ?? consoleLogger({ name: 'sluice-push' });

  const handle = async (request: Request): Promise<Response> => {
    if (request.method !== 'POST') return fail(405, 'only POST is accepted', { allow: 'POST' });
    const bytes = await readBoundedBody(request, maxBody);
    if (!bytes) return tooLarge(maxBody);
    const h = request.headers;
    const v = await verifySignature({
      secrets,
      signature: h.get(SIGNATURE_HEADER),
      timestamp: h.get(TIMESTAMP_HEADER),
      deliveryId: h.get(DELIVERY_HEADER),
      body: bytes,
      now: now(),
      toleranceSec,
    });
    if (!v.ok) return fail(401, v.message);
    if (await replay.seen(v.deliveryId, 2 * toleranceSec * 1000)) return fail(401, 'replayed delivery id');
    const body = parseBody(new TextDecoder().decode(bytes));
    if (!body) return fail(400, 'body must be JSON { id, name, queue, attempt, payload }');
    const job = jobs.get(body.name);
    if (!job)
      return fail(404, `no handler for job "${body.name}" here (jobs: ${[...jobs.keys()].join(', ') || 'none'})`);
    const valid = await validate(job, body.payload);
    if (!valid.ok) return fail(422, valid.error);
    const op = o.telemetry ? startPushProcess(o.telemetry, body, h.get('traceparent')) : undefined;
    return run(job, body, valid.value, request.signal, o.enqueue, log, op && { t: o.telemetry as Telemetry, op });
  };
  return Object.assign(handle, { maxBodyBytes: maxBody });
}

/** The process span of a pushed job: child of the request's context, linked to the creation context. */
function startPushProcess(t: Telemetry, body: PushBody, traceparent: string | null): ProcessOp {
  const { api } = t;
  const active = api.context.active();
  const remote = api.trace.getSpan(active) ? undefined : parseTraceparent(traceparent);
  const parent = remote ? api.trace.setSpanContext(active, remote) : active;
  const info = { queue: body.queue, group: undefined, job: body.name, id: body.id, attempt: body.attempt };
  return startProcess(t, { ...info, trace: body.trace, parent });
}

async function run(
  job: AnyJob,
  body: PushBody,
  payload: unknown,
  requestSignal: AbortSignal,
  enqueue: ChainEnqueue | undefined,
  log: JobLogger,
  otel?: { t: Telemetry; op: ProcessOp },
): Promise<Response> {
  const followUps = collectFollowUps(validate);
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(new Error('the request was aborted by the sender'));
  requestSignal.addEventListener('abort', onAbort, { once: true });
  if (requestSignal.aborted) onAbort();
  let timedOut = false;
  const timer =
    job.timeout === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          ctrl.abort(new Error(`job "${job.name}" timed out after ${job.timeout} ms`));
        }, job.timeout);
  const aborted = new Promise<never>((_, reject) =>
    ctrl.signal.addEventListener('abort', () => reject(ctrl.signal.reason), { once: true }),
  );
  aborted.catch(() => {});
  const ctx: JobContext = {
    jobId: body.id,
    name: body.name,
    queue: body.queue,
    attempt: body.attempt,
    signal: ctrl.signal,
    log,
    enqueue: enqueue ?? followUps.enqueue,
    trace: body.trace,
  };
  try {
    const call = () => job.handler(payload, ctx);
    await Promise.race([Promise.resolve().then(otel ? () => inProcess(otel.t, otel.op, call) : call), aborted]);
    if (otel) endProcess(otel.t, otel.op, false, undefined);
    const next = followUps.close();
    return reply(200, next.length > 0 ? { ok: true, enqueue: next } : { ok: true });
  } catch (e) {
    if (otel) endProcess(otel.t, otel.op, true, e);
    const err = redactError(e instanceof Error ? e : new Error(String(e)));
    const message = err.message || err.name;
    if (err.name === 'UnrecoverableError') return fail(422, message);
    if (err instanceof RetryAfterError && err.retryAfterMs !== undefined) {
      return fail(503, message, { 'retry-after': String(Math.ceil(err.retryAfterMs / 1000)) });
    }
    log.warn({ err, job: body.name, jobId: body.id, attempt: body.attempt }, 'pushed job failed; the sender retries');
    return fail(timedOut ? 504 : 500, message);
  } finally {
    followUps.close();
    clearTimeout(timer);
    requestSignal.removeEventListener('abort', onAbort);
  }
}
