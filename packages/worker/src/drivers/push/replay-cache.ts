/**
 * Replay protection of pushed deliveries: a store that answers "was this delivery id seen within the window?"
 * and records it. The default is an in-memory LRU bounded in size, enough for one instance. Several instances
 * behind a load balancer must share a store (e.g. Redis `SET id 1 NX PX ttl`), passed as `replay`.
 */

/** A shared record of delivery ids. */
export interface ReplayStore {
  /** True when `id` was already recorded within `ttlMs`; otherwise records it (for `ttlMs`) and returns false. */
  seen(id: string, ttlMs: number): Promise<boolean>;
}

/** Options of {@link MemoryReplayCache}. */
export interface MemoryReplayCacheOptions {
  /** Most ids kept; the oldest are evicted first (default 100000). */
  maxEntries?: number;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
}

/** In-memory LRU of delivery ids with expiry: one process only. */
export class MemoryReplayCache implements ReplayStore {
  private readonly ids = new Map<string, number>();
  private readonly max: number;
  private readonly now: () => number;

  constructor(o: MemoryReplayCacheOptions = {}) {
    this.max = o.maxEntries ?? 100_000;
    this.now = o.now ?? Date.now;
    if (!Number.isInteger(this.max) || this.max < 1) throw new TypeError('MemoryReplayCache: maxEntries must be >= 1');
  }

  /** Ids currently kept. */
  get size(): number {
    return this.ids.size;
  }

  /** See {@link ReplayStore.seen}. */
  async seen(id: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const until = this.ids.get(id);
    if (until !== undefined && until > now) return true;
    this.ids.delete(id);
    this.ids.set(id, now + ttlMs);
    this.evict(now);
    return false;
  }

  private evict(now: number): void {
    for (const [id, until] of this.ids) {
      if (this.ids.size <= this.max && until > now) break;
      this.ids.delete(id);
    }
  }
}
