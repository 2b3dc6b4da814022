/**
 * Flow control options of a job (docs/flow-control.md): global and per-key concurrency and a rate limit, applied
 * when a worker starts a job; debounce and throttle, applied at enqueue. Pure: the option types, their validation
 * (one-line errors naming the field) and the resolved form the worker and enqueue read.
 */
import { parseDuration } from './duration.js';
import { SluiceArgumentError } from './errors.js';
import { hasControlChars } from './text.js';

/** A key computed from the payload (as enqueued), e.g. `(p) => p.tenantId`. */
export type FlowKeyFn<P> = (payload: P) => string;

/** Concurrency across every worker (`global`) and per key (`perKey` with `key`); `perWorker` is per process. */
export interface ConcurrencyLimits<P> {
  /** Most runs of this job at once across all workers (default: no limit). */
  global?: number;
  /** Most runs at once per value of `key` across all workers (default: no limit; needs `key`). */
  perKey?: number;
  /** The key of `perKey` (default none; required with `perKey`). */
  key?: FlowKeyFn<P>;
  /** Most runs at once in one worker (default: the worker's concurrency); same as `concurrency: N`. */
  perWorker?: number;
}

/** At most `limit` run starts per `period` across all workers (per value of `key` when given); the excess is delayed. */
export interface RateLimit<P> {
  /** Starts allowed per period (a positive integer). */
  limit: number;
  /** The window, in ms or a duration like `1s` or `1m`. */
  period: number | string;
  /** Limit per value of this key (default: one limit for the job). */
  key?: FlowKeyFn<P>;
}

/** One run with the last payload after `period` without a new enqueue of the same key (capped by `maxWait`). */
export interface DebounceOptions<P> {
  /** The debounce key: a string, or computed from the payload. */
  key: string | FlowKeyFn<P>;
  /** Quiet period before the run, in ms or a duration. */
  period: number | string;
  /** Longest a run can be pushed back from the first enqueue of its key (default: no cap). */
  maxWait?: number | string;
}

/** At most one run per `period` per key; other enqueues within the period are skipped. */
export interface ThrottleOptions<P> {
  /** The throttle key: a string, or computed from the payload. */
  key: string | FlowKeyFn<P>;
  /** The period, in ms or a duration. */
  period: number | string;
}

/** Why an enqueue wrote no new job. */
export type SkipReason = 'debounced' | 'throttled';

/** The resolved start-time limits of a job (what the worker checks in one script when it starts a run). */
export interface StartLimits {
  /** Global concurrency (0 = none). */
  global: number;
  /** Per-key concurrency (0 = none). */
  perKey: number;
  /** The per-key concurrency key. */
  key: FlowKeyFn<unknown> | undefined;
  /** The rate limit, if any. */
  rate: { limit: number; periodMs: number; key: FlowKeyFn<unknown> | undefined } | undefined;
}

/** A resolved debounce or throttle (ms). */
export interface EnqueueLimit {
  kind: 'debounce' | 'throttle';
  key: string | FlowKeyFn<unknown>;
  periodMs: number;
  /** Debounce only: cap from the first enqueue (0 = none). */
  maxWaitMs: number;
}

/** Throws `<where>: <field> must be <want>; got <value>` (where: `job "x"` or `enqueue`). */
const fail = (where: string, field: string, want: string, got: unknown): never => {
  const shown = typeof got === 'function' ? 'a function' : (JSON.stringify(got) ?? String(got));
  throw new SluiceArgumentError(`${where}: ${field} must be ${want}; got ${shown}`);
};

const posInt = (job: string, field: string, v: unknown): number =>
  Number.isInteger(v) && (v as number) > 0 ? (v as number) : fail(job, field, 'a positive integer', v);

function duration(job: string, field: string, v: unknown): number {
  if (typeof v !== 'number' && typeof v !== 'string') return fail(job, field, 'a duration like 500ms, 1s or 1m', v);
  const ms = parseDuration(v, `${job}: ${field}`);
  return ms >= 1 ? Math.round(ms) : fail(job, field, 'at least 1 ms', v);
}

const keyFn = (job: string, field: string, v: unknown): FlowKeyFn<unknown> =>
  typeof v === 'function' ? (v as FlowKeyFn<unknown>) : fail(job, field, 'a function (payload) => string', v);

const object = (job: string, field: string, v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : fail(job, field, 'an object', v);

/**
 * The per-worker concurrency and start limits of `concurrency` and `rateLimit` as given to defineJob; throws a
 * one-line error naming the bad field.
 */
export function resolveStartLimits(
  job: string,
  concurrency: unknown,
  rateLimit: unknown,
): { perWorker: number | undefined; limits: StartLimits | undefined } {
  const where = `job "${job}"`;
  let perWorker: number | undefined;
  let global = 0;
  let perKey = 0;
  let key: FlowKeyFn<unknown> | undefined;
  if (typeof concurrency === 'number') perWorker = posInt(where, 'concurrency', concurrency);
  else if (concurrency !== undefined) {
    const c = object(where, 'concurrency', concurrency);
    for (const k of Object.keys(c))
      if (!['global', 'perKey', 'key', 'perWorker'].includes(k))
        fail(where, `concurrency.${k}`, 'absent (known: global, perKey, key, perWorker)', c[k]);
    if (c.perWorker !== undefined) perWorker = posInt(where, 'concurrency.perWorker', c.perWorker);
    if (c.global !== undefined) global = posInt(where, 'concurrency.global', c.global);
    if (c.perKey !== undefined) {
      perKey = posInt(where, 'concurrency.perKey', c.perKey);
      key = keyFn(where, 'concurrency.key', c.key);
    } else if (c.key !== undefined) fail(where, 'concurrency.perKey', 'set when concurrency.key is', c.perKey);
  }
  let rate: StartLimits['rate'];
  if (rateLimit !== undefined) {
    const r = object(where, 'rateLimit', rateLimit);
    rate = {
      limit: posInt(where, 'rateLimit.limit', r.limit),
      periodMs: duration(where, 'rateLimit.period', r.period),
      key: r.key === undefined ? undefined : keyFn(where, 'rateLimit.key', r.key),
    };
  }
  const limits = global || perKey || rate ? { global, perKey, key, rate } : undefined;
  return { perWorker, limits };
}

/**
 * A debounce or throttle option (of defineJob, or of one enqueue: `where` names it); undefined when not given or
 * `false`. Throws a one-line error naming the bad field.
 */
export function resolveEnqueueLimit(
  where: string,
  kind: 'debounce' | 'throttle',
  v: unknown,
): EnqueueLimit | undefined {
  if (v === undefined || v === false) return undefined;
  const o = object(where, kind, v);
  const known = kind === 'debounce' ? ['key', 'period', 'maxWait'] : ['key', 'period'];
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(where, `${kind}.${k}`, `absent (known: ${known})`, o[k]);
  if (!(typeof o.key === 'function' || (typeof o.key === 'string' && o.key !== '')))
    fail(where, `${kind}.key`, 'a non-empty string or a function (payload) => string', o.key);
  const periodMs = duration(where, `${kind}.period`, o.period);
  const maxWaitMs = o.maxWait === undefined ? 0 : duration(where, `${kind}.maxWait`, o.maxWait);
  if (maxWaitMs && maxWaitMs < periodMs)
    fail(where, `${kind}.maxWait`, `at least the period (${periodMs} ms)`, o.maxWait);
  return { kind, key: o.key as EnqueueLimit['key'], periodMs, maxWaitMs };
}

/**
 * The key `fn` gives for `payload`, checked: a non-empty string of at most 200 characters without control
 * characters (it becomes part of a Redis key name). Throws naming `field` otherwise.
 */
export function flowKey(fn: string | FlowKeyFn<unknown>, payload: unknown, where: string, field: string): string {
  const k = typeof fn === 'string' ? fn : fn(payload);
  if (typeof k !== 'string' || k === '' || k.length > 200 || hasControlChars(k))
    fail(where, field, 'a non-empty string of at most 200 characters without control characters', k);
  return k;
}
