/**
 * Queue stats for scrapes: read through core's inspector at most once per `cacheMs`, shared by concurrent
 * scrapes, so the Redis cost is bounded per interval (never per job, never per scrape in a burst). A read
 * still in flight (Redis down: commands wait in the client's offline queue) is shared, never repeated, and a
 * scrape waits for it at most `timeoutMs`.
 */
import type { Clock, QueueStats } from '@sluice/core';

/** Options of {@link StatsCache}. */
export interface StatsCacheOptions {
  /** Reads the stats (one inspector call). */
  read: () => Promise<QueueStats[]>;
  /** Milliseconds a successful read is reused. */
  cacheMs: number;
  /** Longest wait of one scrape for a read, in ms. */
  timeoutMs: number;
  /** Time source (its monotonic clock ages the cache). */
  clock: Clock;
}

/** The latest queue stats, cached. */
export class StatsCache {
  private value: QueueStats[] | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<QueueStats[]> | undefined;

  constructor(private readonly o: StatsCacheOptions) {}

  /** Stats no older than `cacheMs`; rejects when the read fails or outlasts `timeoutMs`. */
  get(): Promise<QueueStats[]> {
    if (this.value && this.o.clock.monotonic() - this.readAt < this.o.cacheMs) return Promise.resolve(this.value);
    this.inflight ??= this.o.read().then(
      (v) => {
        this.value = v;
        this.readAt = this.o.clock.monotonic();
        this.inflight = undefined;
        return v;
      },
      (err: unknown) => {
        this.inflight = undefined;
        throw err;
      },
    );
    return withTimeout(this.inflight, this.o.timeoutMs);
  }
}

/** `p`, or a rejection after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply from Redis within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
