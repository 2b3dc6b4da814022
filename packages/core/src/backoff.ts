/** Pure retry delays: fixed, exponential with a cap and jitter, or a function of the attempt and error. */
import { SluiceArgumentError } from './errors.js';

/** The same delay before every retry. */
export interface FixedBackoff {
  type: 'fixed';
  /** Milliseconds to wait before each retry. */
  delay: number;
}

/** `delay * 2^(attempt-1)`, capped at `max`, spread by +/- `jitter`. */
export interface ExponentialBackoff {
  type: 'exponential';
  /** Milliseconds before the first retry. */
  delay: number;
  /** Largest delay in ms (default 1 hour). */
  max?: number;
  /** Fraction of the delay to randomise, 0..1 (default 0.2: +/-20%). */
  jitter?: number;
}

/** Your own rule: milliseconds to wait after `attempt` (1-based) failed with `error`. */
export type BackoffFunction = (attempt: number, error: unknown) => number;

/** How long to wait before the next attempt. */
export type Backoff = FixedBackoff | ExponentialBackoff | BackoffFunction;

/** The backoff used when a job sets none: exponential from 1 s, capped at 1 hour, 20% jitter. */
export const DEFAULT_BACKOFF: ExponentialBackoff = { type: 'exponential', delay: 1000, max: 3_600_000, jitter: 0.2 };

/** Milliseconds to wait after attempt `attempt` (1-based) failed. `random` returns [0, 1) (default Math.random). */
export function backoffDelay(backoff: Backoff, attempt: number, error: unknown, random: () => number = Math.random) {
  if (typeof backoff === 'function') {
    const ms = backoff(attempt, error);
    if (!Number.isFinite(ms) || ms < 0) {
      throw new SluiceArgumentError(`retry.backoff function must return milliseconds >= 0; got ${String(ms)}`);
    }
    return Math.round(ms);
  }
  if (backoff.type === 'fixed') return Math.max(0, Math.round(backoff.delay));
  const max = backoff.max ?? 3_600_000;
  const base = Math.min(max, backoff.delay * 2 ** Math.max(0, attempt - 1));
  const jitter = backoff.jitter ?? 0.2;
  const spread = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(max, base + spread)));
}

/** Throws naming the field when a backoff option is malformed. */
export function assertBackoff(backoff: unknown, where: string): asserts backoff is Backoff {
  if (typeof backoff === 'function') return;
  const b = backoff as { type?: unknown; delay?: unknown; max?: number; jitter?: number } | null;
  const bad = (msg: string) => new SluiceArgumentError(`${where}: ${msg}`);
  if (!b || (b.type !== 'fixed' && b.type !== 'exponential')) {
    throw bad(`expects { type: 'fixed' | 'exponential', delay } or a function; got ${JSON.stringify(backoff)}`);
  }
  if (typeof b.delay !== 'number' || !(b.delay >= 0))
    throw bad(`delay must be milliseconds >= 0; got ${String(b.delay)}`);
  if (b.max !== undefined && !(b.max >= 0)) throw bad(`max must be milliseconds >= 0; got ${b.max}`);
  if (b.jitter !== undefined && !(b.jitter >= 0 && b.jitter <= 1)) throw bad(`jitter must be 0..1; got ${b.jitter}`);
}
