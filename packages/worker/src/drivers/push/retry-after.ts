/** Retry-After on both sides of a push: an error that carries the delay, and parsing of the HTTP header. Pure. */

/** Longest delay a Retry-After header may ask for (1 hour); longer values are capped. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** A failure to retry after a given delay (the receiver's Retry-After); the job's backoff is used when undefined. */
export class RetryAfterError extends Error {
  override name = 'RetryAfterError';
  constructor(
    message: string,
    /** Milliseconds to wait before the next attempt (undefined: the job's backoff). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Milliseconds from a Retry-After value (delta seconds or an HTTP date), capped at 1 hour; undefined if invalid. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (!Number.isFinite(at) || !/[a-z]/i.test(v)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}
