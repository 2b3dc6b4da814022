/**
 * The local job pool: deliveries this worker holds, waiting for a slot or running. It enforces the worker's
 * concurrency and each job's own `concurrency`, knows which deliveries need their lease renewed, and lets
 * shutdown interrupt the running ones. Deliveries read beyond the free slots (read-ahead: read-ahead.ts; several
 * queues read at once) wait here with their lease renewed; one held {@link HOLD_MS} while every slot is busy is
 * handed back, so a worker never hoards jobs behind long runs.
 */
import type { WorkerDeps } from '../worker-deps.js';
import { JobInterrupt } from './errors.js';
import { Held } from './held.js';
import { startWaiting, takeStale } from './pool-start.js';
import { HOLD_MS, ReadAhead } from './read-ahead.js';
import { runShared } from './run-shared.js';
import type { RunOwner, RunShared } from './run-types.js';
import { startJob } from './start-job.js';
import { handBackHeld, outcomeNotRecorded } from './transitions.js';
import { Waiters } from './waiters.js';

export { Held };

/** Runs deliveries within the concurrency limits. */
export class JobPool implements RunOwner {
  private waiting: Held[] = [];
  private readonly running = new Set<Held>();
  /** How many handlers are over whose outcome (ack, retry, dead letter) is still being recorded (a count: no set). */
  private finishing = 0;
  private readonly perName = new Map<string, number>();
  /** True when some job has its own `concurrency` limit; else per-name counts are not kept. */
  private readonly limited: boolean;
  private readonly slotWaiters = new Waiters(() => this.free > 0);
  private readonly readWaiters = new Waiters(() => this.readable);
  private readonly ahead: ReadAhead;
  private holdTimer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private pumping = false;
  private pumpAgain = false;
  private readonly shared: RunShared;
  /** True when read-ahead is on (the `readAhead` option): it averages handler times, so runs are timed. */
  readonly timesRuns: boolean;

  constructor(
    private readonly rt: WorkerDeps,
    hooks: { wake(queue: string, inMs?: number): void },
  ) {
    this.limited = [...rt.opts.jobs.values()].some((j) => j.concurrency !== undefined);
    this.ahead = new ReadAhead(rt.opts.readAhead ?? 0, rt.opts.concurrency);
    this.timesRuns = (rt.opts.readAhead ?? 0) > 0;
    this.shared = runShared(rt, this, hooks);
  }

  /** Slots neither running nor promised to a waiting delivery. */
  get free(): number {
    return this.rt.opts.concurrency - this.running.size - this.waiting.length;
  }

  /** Deliveries this worker holds: running, or waiting for a slot. */
  private get held(): number {
    return this.running.size + this.waiting.length;
  }

  /** Deliveries a read may ask for now: the free slots plus the read-ahead while recent runs are short. */
  get readRoom(): number {
    return this.ahead.room(this.held);
  }

  /** What the next read asks for: the room, at most half a large window (read-ahead.ts). */
  get readCount(): number {
    return this.ahead.readCount(this.held);
  }

  /** What a read sent beside `n` deliveries just read, before they are submitted, asks for (0: none; read-ahead). */
  readBeside(n: number): number {
    return this.ahead.readBeside(this.held, n);
  }

  /** True when the consumer should read now: room for a batch (half the read-ahead while reading ahead, else 1). */
  private get readable(): boolean {
    return this.readRoom >= this.ahead.lowWater;
  }

  /**
   * How many abandoned jobs a reclaim sweep may take now: up to `concurrency` waiting deliveries even when every
   * slot is busy, so a dead worker's jobs queue ahead of new reads instead of waiting for a sweep that finds the
   * worker idle (under a steady backlog it never would be); the deliveries held read-ahead do not take that room.
   */
  get reclaimRoom(): number {
    return this.rt.opts.concurrency + this.ahead.extra - this.waiting.length;
  }

  /** Jobs not finished yet: handlers running, or outcomes still being recorded. */
  get runningCount(): number {
    return this.running.size + this.finishing;
  }

  /** Handlers holding a slot now, by queue (for the metrics' busy slots). */
  busyByQueue(): Map<string, number> {
    const out = new Map<string, number>();
    for (const h of this.running) out.set(h.keys.queue, (out.get(h.keys.queue) ?? 0) + 1);
    return out;
  }

  /**
   * Take a delivery: run it when a slot (and its job's limit) allows; a `wake` marker is finished at once. A reclaimed
   * one (delivered before) waits ahead of the fresh ones. `at`: the clock's monotonic ms it was taken (default now; a
   * read's deliveries share one).
   */
  submit(h: Held, at?: number): void {
    if (h.marker) {
      startJob(this.shared, h);
      return;
    }
    h.heldAt = at ?? this.rt.opts.clock.monotonic();
    // a reclaimed delivery goes ahead of fresh reads held waiting (read-ahead): abandoned work first
    const at1 =
      h.delivery.deliveries > 1 && !this.pumping ? this.waiting.findIndex((x) => x.delivery.deliveries === 1) : -1;
    if (at1 >= 0) this.waiting.splice(at1, 0, h);
    else this.waiting.push(h);
    this.pump();
  }

  /** Deliveries of `queue` whose lease must be renewed. */
  leased(queue: string): Held[] {
    const out: Held[] = [];
    for (const h of this.running) if (h.renew && h.keys.queue === queue) out.push(h);
    for (const h of this.waiting) if (h.keys.queue === queue) out.push(h);
    return out;
  }

  /** The lease of `h` is gone: drop it if waiting, interrupt it if running. */
  leaseLost(h: Held): void {
    h.renew = false;
    const i = this.waiting.indexOf(h);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      this.notifySlots();
      return;
    }
    h.interrupt.abort(new JobInterrupt('lease-lost', 'lease lost: another worker reclaimed this job'));
  }

  /**
   * An operator cancelled job `jobId` of `queue`: abort its run (`ctx.signal`) with a `cancelled` interrupt; a
   * delivery still waiting for a slot ends as cancelled when it starts. False when this worker does not hold it.
   */
  cancel(queue: string, jobId: string): boolean {
    const abort = (h: Held) =>
      h.interrupt.abort(new JobInterrupt('cancelled', `job ${jobId} was cancelled by an operator`));
    const run = [...this.running].find((h) => h.fields.id === jobId && h.keys.queue === queue && h.renew);
    if (run) {
      abort(run);
      return true;
    }
    const i = this.waiting.findIndex((h) => h.fields.id === jobId && h.keys.queue === queue);
    if (i < 0) return false;
    // a waiting one ends now, as cancelled, without its handler (the run sees the aborted signal first)
    const [h] = this.waiting.splice(i, 1) as [Held];
    abort(h);
    this.running.add(h);
    if (this.limited) this.perName.set(h.name, (this.perName.get(h.name) ?? 0) + 1);
    startJob(this.shared, h);
    return true;
  }

  /** The job ids of every delivery of `queue` this worker holds (running or waiting). */
  heldJobIds(queue: string): string[] {
    return this.leased(queue).map((h) => h.fields.id ?? h.delivery.entryId);
  }

  /** Resolves when a slot is free or `signal` aborts. */
  waitForSlot(signal: AbortSignal): Promise<void> {
    return this.slotWaiters.wait(signal);
  }

  /** Resolves when a read should go out (see {@link readCount}) or `signal` aborts. */
  waitForRead(signal: AbortSignal): Promise<void> {
    return this.readWaiters.wait(signal);
  }

  /** Stop starting waiting deliveries; returns them (shutdown hands them back). */
  close(): Held[] {
    this.closed = true;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    return this.waiting.splice(0);
  }

  /** Interrupt every running handler with `reason`. */
  interruptAll(reason: JobInterrupt): void {
    for (const h of [...this.running]) h.interrupt.abort(reason);
  }

  /** Resolves when nothing runs and every outcome is recorded. */
  idle(): Promise<void> {
    if (this.runningCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The handler of `h` is about to be called, at monotonic ms `at` (0: not timed, see `timesRuns`). */
  started(h: Held, at: number): void {
    h.startedAt = at;
  }

  /**
   * The handler of `h` is over (at monotonic ms `endedAt`; default now): its slot goes to the next job while the
   * outcome is recorded (still fenced).
   */
  settled(h: Held, endedAt?: number): void {
    if (h.startedAt > 0 && !h.released) this.ahead.ran((endedAt ?? this.rt.opts.clock.monotonic()) - h.startedAt);
    h.renew = false;
    this.release(h);
  }

  /** Give up `h`'s slot (once): the next waiting job may start. */
  private release(h: Held): void {
    if (h.released) return;
    h.released = true;
    if (h.marker) return;
    this.running.delete(h);
    h.finishing = true;
    this.finishing++;
    if (this.limited) {
      const n = (this.perName.get(h.name) ?? 1) - 1;
      if (n <= 0) this.perName.delete(h.name);
      else this.perName.set(h.name, n);
    }
    this.pump();
  }

  /** The run of `h` is over; `err` set when its outcome could not be recorded. */
  done(h: Held, err: unknown): void {
    if (err !== undefined) outcomeNotRecorded(this.rt, h, err);
    h.renew = false;
    this.release(h);
    if (h.finishing) {
      h.finishing = false;
      this.finishing--;
    }
    if (this.runningCount === 0 && this.idleWaiters.length > 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Start the run of `h` (one function for every pass of the pump, not one per pass). */
  private readonly start = (h: Held): void => startJob(this.shared, h);

  private readonly limitOf = (name: string): number =>
    this.rt.opts.jobs.get(name)?.concurrency ?? Number.POSITIVE_INFINITY;

  /**
   * Start waiting deliveries while slots (and per-job limits) allow, in order. Re-entrant calls (a handler that
   * settles synchronously releases its slot from inside `start`) only ask for another pass.
   */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (this.closed) break;
        if (this.waiting.length === 0) break; // every release of a slot pumps: most find nothing waiting
        const perName = this.limited ? this.perName : undefined;
        const max = this.rt.opts.concurrency;
        this.waiting = startWaiting(this.waiting, this.running, max, perName, this.limitOf, this.start);
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
    if (this.waiting.length > 0 && this.holdTimer === undefined && !this.closed) {
      this.holdTimer = setTimeout(() => this.checkHeld(), HOLD_MS);
      this.holdTimer.unref();
    }
    this.notifySlots();
  }

  /**
   * Hand back the fresh deliveries held {@link HOLD_MS} or more while every slot is busy (the runs ahead are long:
   * another worker may be idle; reclaimed ones stay, ahead of the backlog), and turn read-ahead off until runs are
   * short again. A hand-back that fails leaves the entry pending: it is reclaimed after the lease (never lost).
   */
  private checkHeld(): void {
    this.holdTimer = undefined;
    if (this.closed || this.waiting.length === 0) return;
    const now = this.rt.opts.clock.monotonic();
    if (this.running.size >= this.rt.opts.concurrency) {
      const { stale, rest } = takeStale(this.waiting, now);
      if (stale.length > 0) {
        this.ahead.heldTooLong();
        this.waiting = rest;
        handBackHeld(this.rt, stale);
      }
    }
    this.pump();
  }

  private notifySlots(): void {
    this.slotWaiters.notify();
    this.readWaiters.notify();
  }
}
