/** Injectable time, so backoff, promotion and cron are testable without sleeping. */

/** A source of time. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Monotonic milliseconds, for measuring durations and timeouts. */
  monotonic(): number;
}

/** The real clock: `Date.now()` and `performance.now()`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
