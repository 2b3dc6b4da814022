/**
 * Read-ahead (docs/decisions.md "Read-ahead"): how many deliveries the consumer may hold leased beyond the free
 * slots, so the next job starts when a slot frees without waiting for a read's round trip, and reads and acks go
 * out in batches. Adaptive, so a worker never hoards jobs other workers could run: it is on only while the recent
 * runs are short (a moving average of handler times at most {@link SHORT_RUN_MS}, and at least one run measured),
 * it holds no more than about half {@link HOLD_MS} of work, and a delivery held longer than {@link HOLD_MS} while
 * every slot is busy is handed back (pool.ts) and turns it off until runs are short again. A window over 64 is
 * read in halves, the next half sent as soon as one is answered (before its jobs run).
 */

/** Runs whose moving-average handler time is at most this many ms count as short: read-ahead is on. */
export const SHORT_RUN_MS = 10;
/** A delivery held this many ms without a slot is handed back (the runs ahead of it are long). */
export const HOLD_MS = 100;
/** Weight of the newest run in the moving average. */
const ALPHA = 0.2;
/** Reads go in batches of about half this many deliveries: the default `readAhead` fills it (read-ahead.ts). */
const WINDOW = 32;

/**
 * The default `readAhead` for `concurrency`: enough to make a window of 32, and at least `concurrency` (a window of
 * two batches of the slots: one read out while the other runs).
 */
export function defaultReadAhead(concurrency: number): number {
  return Math.max(WINDOW - concurrency, concurrency);
}

/** The read-ahead state of one pool. */
export class ReadAhead {
  /** Moving average of handler times in ms; -1 until one run is measured. */
  private avgMs = -1;

  /** `limit`: the most deliveries held beyond the slots (the `readAhead` option; 0 turns it off). */
  constructor(
    private readonly limit: number,
    private readonly concurrency: number,
  ) {}

  /**
   * Deliveries that may be held beyond the slots now: while recent runs are short, `limit`, or fewer when that
   * would be more than about HOLD_MS / 2 of work for the slots; else 0.
   */
  get extra(): number {
    const avg = this.avgMs;
    if (this.limit === 0 || avg < 0 || avg > SHORT_RUN_MS) return 0;
    return Math.min(this.limit, Math.floor((this.concurrency * HOLD_MS) / 2 / Math.max(avg, 0.01)));
  }

  /**
   * The fewest deliveries a read asks for: half the read-ahead while reading ahead, so reads (and the acks of the
   * jobs they replace) go in batches while half of it is still held to start during the read; else 1 (read as
   * soon as a slot frees).
   */
  get lowWater(): number {
    return Math.max(1, Math.ceil(this.extra / 2));
  }

  /**
   * Half the window (slots + read-ahead) while reading ahead with a window over twice {@link WINDOW}, else 0: such
   * a window is read in halves, the next read sent as soon as one is answered, while its jobs run (consumer.ts). A
   * smaller window is read whole, as a read's own cost matters more for a small batch.
   */
  get half(): number {
    const extra = this.extra;
    const window = this.concurrency + extra;
    return extra > 0 && window > 2 * WINDOW ? Math.ceil(window / 2) : 0;
  }

  /** Deliveries a read may ask for with `held` held (running or waiting): the slots plus {@link extra}, less them. */
  room(held: number): number {
    return this.concurrency + this.extra - held;
  }

  /** What the next read asks for with `held` held: the room, at most {@link half} a large window. */
  readCount(held: number): number {
    const half = this.half;
    return half > 0 ? Math.min(half, this.room(held)) : this.room(held);
  }

  /** What a read sent beside `n` deliveries just read (not yet submitted) asks for, with `held` held; 0: none. */
  readBeside(held: number, n: number): number {
    const room = this.room(held) - n;
    const half = this.half;
    return half > 0 && room >= this.lowWater ? Math.min(half, room) : 0;
  }

  /** A handler ran `ms`. */
  ran(ms: number): void {
    this.avgMs = this.avgMs < 0 ? ms : this.avgMs + ALPHA * (ms - this.avgMs);
  }

  /** A delivery waited HOLD_MS behind busy slots: runs are too long to read ahead (off until short again). */
  heldTooLong(): void {
    this.avgMs = Math.max(this.avgMs, HOLD_MS);
  }
}
