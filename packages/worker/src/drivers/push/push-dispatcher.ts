/**
 * The sending side of a push (docs/push.md): a normal worker whose handler, for every job name, is a signed HTTP
 * POST. The consumer, leases (renewed while a request is in flight), reclaim and the fenced ack, retry and
 * dead-letter are the worker's own: 2xx enqueues the follow-up jobs the response carries, then acks; 401/403
 * (the deployment is misconfigured) keeps the job: it is retried without counting an attempt while the whole
 * dispatcher backs off (auth-refusals.ts); 422 and other 4xx throw UnrecoverableError (dead-letter with the
 * response's reason); 5xx, 429, 408, a timeout or a connection error throw, and the retry honours Retry-After.
 */
import {
  type AnyJob,
  type Backoff,
  defineJob,
  type EnqueueOptions,
  type EnqueueResult,
  type JobContext,
  JobValidationError,
  SluiceArgumentError,
  UnrecoverableError,
} from '@sluice/core';
import { backoffDelay, DEFAULT_BACKOFF, DEFAULTS, hasCredentials, systemClock } from '@sluice/core/internal';
import type { WorkerOptions } from '../../options.js';
import { DeferJob } from '../../run/errors.js';
import { JobCtx } from '../../run/handler-context.js';
import { createWorker, type Worker } from '../../worker.js';
import { AuthRefusals } from './auth-refusals.js';
import type { PushBody } from './fetch-handler.js';
import { parseFollowUps } from './follow-ups.js';
import { parseRetryAfter, RetryAfterError } from './retry-after.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, sign, TIMESTAMP_HEADER } from './signature.js';

/** Default timeout of one POST, in ms, when neither `timeout` nor the job's own timeout is set. */
export const DEFAULT_PUSH_TIMEOUT = 30_000;
/** Longest reason kept from a response body. */
const MAX_REASON_CHARS = 500;

/** The `traceparent` header of the POST: the process span's context, when traced. */
function traceHeader(ctx: JobContext): Record<string, string> | undefined {
  const tp = ctx instanceof JobCtx ? ctx.processTraceparent() : undefined;
  return tp === undefined ? undefined : { traceparent: tp };
}

/** Options of {@link createPushDispatcher}: a worker's, without handlers, plus where and how to POST. */
export interface PushDispatcherOptions extends Omit<WorkerOptions, 'jobs' | 'fallbackJob'> {
  /** Endpoint every job is POSTed to (required). */
  to: string | URL;
  /** Secrets; the first signs (required; several = the receiver's rotation list, only the first is used). */
  secrets: string | readonly string[];
  /** Jobs whose retry policy, timeout and concurrency apply to their pushes (default none: see attempts/backoff). */
  jobs?: readonly AnyJob[];
  /** Timeout of one POST in ms (default: the job's timeout, else 30000). */
  timeout?: number;
  /** Attempts of a job not in `jobs` (default 3). */
  attempts?: number;
  /** Backoff of a job not in `jobs`, used when the response has no Retry-After (default exponential from 1 s). */
  backoff?: Backoff;
  /** Extra request headers, e.g. for an API gateway (default none). */
  headers?: Readonly<Record<string, string>>;
  /** The fetch implementation (default the global fetch). */
  fetch?: typeof fetch;
}

/** What a response means for the job. */
export type PushVerdict =
  | { kind: 'ok' }
  | { kind: 'refused'; reason: string }
  | { kind: 'dead'; reason: string }
  | { kind: 'retry'; reason: string; retryAfterMs: number | undefined };

/** The reason in a response body: its JSON `error`/`reason`/`message`, else the text, bounded. */
export function reasonOf(body: string, status: number): string {
  let text = body.trim();
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const r = [o.error, o.reason, o.message].find((v) => typeof v === 'string');
    if (typeof r === 'string') text = r;
  } catch {
    // Not JSON: keep the text.
  }
  text = text.replace(/\s+/g, ' ');
  if (text === '') return `HTTP ${status}`;
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}

/**
 * Classify a response: 2xx ok; 401 and 403 refused (misconfigured: keep the job); 408, 429, 5xx retry (with
 * Retry-After); any other status dead-letters.
 */
export function classifyResponse(
  status: number,
  retryAfter: string | null,
  body: string,
  nowMs = Date.now(),
): PushVerdict {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 401 || status === 403) return { kind: 'refused', reason: reasonOf(body, status) };
  const reason = `answered ${status}: ${reasonOf(body, status)}`;
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', reason, retryAfterMs: parseRetryAfter(retryAfter, nowMs) };
  }
  return { kind: 'dead', reason };
}

/** A backoff that waits what a {@link RetryAfterError} asks for, else what `base` says. */
export function honourRetryAfter(base: Backoff): Backoff {
  return (attempt, error) =>
    error instanceof RetryAfterError && error.retryAfterMs !== undefined
      ? error.retryAfterMs
      : backoffDelay(base, attempt, error);
}

/** A delivery id: `<jobId>:<attempt>:<random>`, unique per POST (docs/push.md). */
export function deliveryId(jobId: string, attempt: number): string {
  return `${jobId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120)}:${attempt}:${Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex')}`;
}

function poster(o: PushDispatcherOptions): (payload: unknown, ctx: JobContext) => Promise<void> {
  const url = new URL(o.to);
  if (hasCredentials(url)) {
    throw new SluiceArgumentError(
      `createPushDispatcher: to must not carry credentials (user:password@${url.host}); send them in \`headers\`, e.g. { authorization: \`Bearer \${process.env.HOOK_TOKEN}\` }`,
    );
  }
  const where = `POST ${url.origin}${url.pathname}`;
  const secrets = typeof o.secrets === 'string' ? [o.secrets] : o.secrets;
  const secret = secrets[0];
  if (!secret) throw new SluiceArgumentError('createPushDispatcher: secrets must hold at least one non-empty secret');
  const doFetch = o.fetch ?? globalThis.fetch;
  const clock = o.clock ?? systemClock;
  const refusals = new AuthRefusals(() => clock.monotonic());
  const defs = new Map((o.jobs ?? []).map((j) => [j.name, j]));
  return async (payload, ctx) => {
    const holdMs = refusals.holdMs();
    if (holdMs > 0) throw new DeferJob(`${where} refuses the dispatcher; not sent, kept for ${holdMs} ms`, holdMs);
    const msg: PushBody = { id: ctx.jobId, name: ctx.name, queue: ctx.queue, attempt: ctx.attempt, payload };
    if (ctx.trace !== undefined) msg.trace = ctx.trace;
    const body = JSON.stringify(msg);
    const id = deliveryId(ctx.jobId, ctx.attempt);
    const ts = Math.floor(Date.now() / 1000);
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: {
          ...o.headers,
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: await sign(secret, ts, id, body),
          [TIMESTAMP_HEADER]: String(ts),
          [DELIVERY_HEADER]: id,
          ...traceHeader(ctx),
        },
        body,
        signal: ctx.signal,
      });
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const err = e as Error & { cause?: Error };
      throw new Error(`${where} failed: ${err.cause?.message ?? err.message}`);
    }
    const text = await res.text().catch(() => '');
    const v = classifyResponse(res.status, res.headers.get('retry-after'), text);
    if (v.kind === 'refused') {
      const ms = refusals.refused(res.status, v.reason, where, ctx.log);
      throw new DeferJob(`${where} answered ${res.status}: ${v.reason}; kept, retried in ${ms} ms`, ms);
    }
    refusals.accepted();
    if (v.kind === 'ok') return enqueueFollowUps(ctx, text, `${where} answered ${res.status}`, defs);
    if (v.kind === 'dead') throw new UnrecoverableError(`${where} ${v.reason}`);
    throw new RetryAfterError(`${where} ${v.reason}`, v.retryAfterMs);
  };
}

/**
 * Enqueue the follow-up jobs a 2xx body carries, on the dispatcher's connection, before the job is acked (at least
 * once: a retry of the job sends them again). One that cannot be enqueued (malformed, invalid) dead-letters the job.
 */
async function enqueueFollowUps(
  ctx: JobContext,
  body: string,
  answered: string,
  defs: ReadonlyMap<string, AnyJob>,
): Promise<void> {
  const list = parseFollowUps(body);
  if (typeof list === 'string') throw new UnrecoverableError(`${answered} but ${list}`);
  // ctx.enqueue is core's enqueue, which also takes a bare job name.
  const chain = ctx.enqueue as (job: AnyJob | string, payload: unknown, o?: EnqueueOptions) => Promise<EnqueueResult>;
  for (const [i, f] of list.entries()) {
    try {
      await chain(defs.get(f.name) ?? f.name, f.payload, { ...f.options, queue: f.queue });
    } catch (e) {
      if (!(e instanceof SluiceArgumentError || e instanceof JobValidationError)) throw e;
      throw new UnrecoverableError(`${answered} but follow-up job ${i + 1} ("${f.name}") is invalid: ${e.message}`);
    }
  }
}

/** Name of the one push job that serves every job name the dispatcher was not given. */
const ANY_OTHER_NAME = '*';

/**
 * The worker options of a dispatcher: for each given job a push job with its retry policy, timeout, concurrency
 * and schedule; for every other name one push job (`attempts`, `backoff`). All are made with defineJob.
 */
export function pushWorkerOptions(o: PushDispatcherOptions): WorkerOptions {
  const given = o.jobs ?? [];
  if (given.length === 0 && !o.queues?.length) {
    throw new SluiceArgumentError('createPushDispatcher: give the queues to read (or jobs, whose queues are read)');
  }
  if (o.timeout !== undefined && !(Number.isInteger(o.timeout) && o.timeout > 0)) {
    throw new SluiceArgumentError(`createPushDispatcher: timeout must be a positive integer (ms); got ${o.timeout}`);
  }
  if (o.attempts !== undefined && !(Number.isInteger(o.attempts) && o.attempts > 0)) {
    throw new SluiceArgumentError(`createPushDispatcher: attempts must be a positive integer; got ${o.attempts}`);
  }
  const handler = poster(o);
  const timeoutOf = (job: AnyJob | undefined) => o.timeout ?? job?.timeout ?? DEFAULT_PUSH_TIMEOUT;
  const jobs = given.map((j) =>
    defineJob({
      name: j.name,
      queue: j.queue,
      retry: { attempts: j.attempts, backoff: honourRetryAfter(j.backoff) },
      timeout: timeoutOf(j),
      concurrency: j.concurrency,
      schedule: j.schedule,
      handler,
    }),
  );
  const anyOther = defineJob({
    name: ANY_OTHER_NAME,
    retry: { attempts: o.attempts ?? DEFAULTS.attempts, backoff: honourRetryAfter(o.backoff ?? DEFAULT_BACKOFF) },
    timeout: timeoutOf(undefined),
    handler,
  });
  const { to: _to, secrets: _s, jobs: _j, timeout: _t, attempts: _a, backoff: _b, headers: _h, fetch: _f, ...rest } = o;
  return { ...rest, jobs, fallbackJob: () => anyOther };
}

/** Build a dispatcher: a worker (start/stop/events) that POSTs every job it reads to `to`. */
export function createPushDispatcher(o: PushDispatcherOptions): Promise<Worker> {
  return createWorker(pushWorkerOptions(o), { kind: 'push', catalogue: o.jobs ?? [] });
}
