/**
 * Resilience helpers of the background loops: which errors are worth retrying, a bounded retry with backoff,
 * an abortable sleep, and an outage tracker that logs a failure once per outage and the recovery once.
 */
import { isErrorReply } from '@sluice/core/internal';
import type { Logger } from 'pino';

/** True for errors that a retry may cure: lost connections, timeouts, TRYAGAIN/LOADING/CLUSTERDOWN replies. */
export function isTransient(err: unknown): boolean {
  if (isErrorReply(err)) return /^(TRYAGAIN|LOADING|CLUSTERDOWN|MASTERDOWN|BUSY )/.test(err.message);
  return err instanceof Error;
}

/** Sleep `ms`, or less when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Delay before retry number `n` (0-based): 50 ms doubling, capped at `max` (default 2 s), with jitter. */
export const retryDelay = (n: number, max = 2000): number =>
  Math.min(max, 50 * 2 ** Math.min(n, 10)) * (0.75 + Math.random() * 0.5);

/** Run `fn`, retrying transient failures up to `tries` times (default 8, about 6 s); other errors throw at once. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, tries = 8, signal?: AbortSignal): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await fn(n);
    } catch (err) {
      if (n + 1 >= tries || !isTransient(err) || signal?.aborted) throw err;
      await sleep(retryDelay(n), signal);
    }
  }
}

/** Logs the first failure of an outage (warn) and its end (info), nothing in between. */
export class Outage {
  private since: number | undefined;
  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  /** True while failing. */
  get active(): boolean {
    return this.since !== undefined;
  }

  /** Record a failure; logs only the first of an outage. */
  fail(err: unknown): void {
    if (this.since !== undefined) return;
    this.since = Date.now();
    this.log.warn({ err }, `${this.what} failed; retrying until Redis answers again (logged once per outage)`);
  }

  /** Record a success; logs the end of an outage. */
  ok(): void {
    if (this.since === undefined) return;
    this.log.info({ outageMs: Date.now() - this.since }, `${this.what} works again`);
    this.since = undefined;
  }
}
