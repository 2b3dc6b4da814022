/**
 * The local job pool: deliveries this worker holds, waiting for a slot or running. It enforces the worker's
 * concurrency and each job's own `concurrency`, knows which deliveries need their lease renewed, and lets
 * shutdown interrupt the running ones. Deliveries read beyond the free slots (several queues read at once)
 * wait here with their lease renewed.
 */
import type { QueueKeys } from '@sluice/core';
import type { Delivery } from '@sluice/core/internal';
import { successLevel } from '../logger.js';
import type { WorkerDeps } from '../worker-deps.js';
import { JobInterrupt } from './errors.js';
import { RunSignal } from './run-signal.js';
import { Delivered, type RunOwner, type RunShared } from './run-types.js';
import { startJob } from './start-job.js';

/**
 * A delivery held by this worker: the pool's record of it (waiting or running, lease renewed or not, slot given
 * up or not). The run reads it as its task; how the run goes is told to the pool itself ({@link RunOwner}).
 */
export class Held extends Delivered {
  declare readonly interrupt: RunSignal;
  /** False once the lease must no longer be renewed (timed out, lost, finishing elsewhere). */
  renew = true;
  /** True once its slot was given up (the handler is over; its ack or retry may still be in flight). */
  released = false;
  /** True from the release of its slot until its outcome is recorded (counted in the pool's `finishing`). */
  finishing = false;

  constructor(keys: QueueKeys, delivery: Delivery, fields: Record<string, string>) {
    // Interrupted by the pool: shutdown, lease lost.
    super(keys, delivery, fields, new RunSignal());
  }
}

/** Runs deliveries within the concurrency limits. */
export class JobPool implements RunOwner {
  private waiting: Held[] = [];
  private readonly running = new Set<Held>();
  /** How many handlers are over whose outcome (ack, retry, dead letter) is still being recorded (a count: no set). */
  private finishing = 0;
  private readonly perName = new Map<string, number>();
  /** True when some job has its own `concurrency` limit; else per-name counts are not kept. */
  private readonly limited: boolean;
  private slotWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private pumping = false;
  private pumpAgain = false;
  private readonly shared: RunShared;

  constructor(
    private readonly rt: WorkerDeps,
    hooks: { wake(queue: string, inMs?: number): void },
  ) {
    this.limited = [...rt.opts.jobs.values()].some((j) => j.concurrency !== undefined);
    const logSuccess = successLevel(rt.log);
    this.shared = {
      exec: rt.conn,
      consumer: rt.consumer,
      jobs: rt.opts.jobs,
      log: rt.log,
      enqueueCtx: rt.enqueueCtx,
      clock: rt.opts.clock,
      random: Math.random,
      acks: rt.acks,
      owner: this,
      emit: rt.emit,
      listening: rt.listening,
      durations: logSuccess !== undefined,
      logSuccess,
      keep: rt.opts.keep,
      leaseMs: rt.opts.lease,
      onRetry: (queue, ms) => hooks.wake(queue, ms),
      onMarker: (queue) => hooks.wake(queue),
    };
  }

  /** Slots neither running nor promised to a waiting delivery. */
  get free(): number {
    return this.rt.opts.concurrency - this.running.size - this.waiting.length;
  }

  /**
   * How many abandoned jobs a reclaim sweep may take now: up to `concurrency` waiting deliveries even when every
   * slot is busy, so a dead worker's jobs queue ahead of new reads instead of waiting for a sweep that finds the
   * worker idle (under a steady backlog it never would be).
   */
  get reclaimRoom(): number {
    return this.rt.opts.concurrency - this.waiting.length;
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

  /** Take a delivery: run it when a slot (and its job's limit) allows; a `wake` marker is finished at once. */
  submit(h: Held): void {
    if (h.marker) {
      startJob(this.shared, h);
      return;
    }
    this.waiting.push(h);
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
    for (const h of this.running)
      if (h.fields.id === jobId && h.keys.queue === queue && h.renew) return this.abortCancelled(h);
    for (const h of this.waiting) if (h.fields.id === jobId && h.keys.queue === queue) return this.abortCancelled(h);
    return false;
  }

  private abortCancelled(h: Held): true {
    h.interrupt.abort(new JobInterrupt('cancelled', `job ${h.fields.id} was cancelled by an operator`));
    return true;
  }

  /** The job ids of every delivery of `queue` this worker holds (running or waiting). */
  heldJobIds(queue: string): string[] {
    return this.leased(queue).map((h) => h.fields.id ?? h.delivery.entryId);
  }

  /** Resolves when a slot is free or `signal` aborts. */
  waitForSlot(signal: AbortSignal): Promise<void> {
    if (this.free > 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.slotWaiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Stop starting waiting deliveries; returns them (shutdown hands them back). */
  close(): Held[] {
    this.closed = true;
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

  /** The handler of `h` is over: its slot goes to the next job while the outcome is recorded (still fenced). */
  settled(h: Held): void {
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
    if (err !== undefined) {
      // Redis stayed unreachable: the entry stays pending and is reclaimed after the lease (never lost).
      this.rt.log.error(
        { err, entryId: h.delivery.entryId, queue: h.keys.queue },
        'could not record the outcome of a job; it will be reclaimed',
      );
      this.rt.emit('worker:error', { error: err as Error, where: 'run-job' });
    }
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

  private limitOf(name: string): number {
    return this.rt.opts.jobs.get(name)?.concurrency ?? Number.POSITIVE_INFINITY;
  }

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
        const w = this.waiting;
        if (w.length === 0) break; // every release of a slot pumps: most find nothing waiting
        if (!this.limited) this.startInOrder(w);
        else this.startWithinLimits(w);
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
    this.notifySlots();
  }

  /** No per-job limits: start the first waiting deliveries while slots allow (no array per pass). */
  private startInOrder(w: Held[]): void {
    const max = this.rt.opts.concurrency;
    let i = 0;
    while (i < w.length && this.running.size < max) {
      const h = w[i++] as Held;
      this.running.add(h);
      startJob(this.shared, h);
    }
    // usually every waiting delivery started (no splice call); a re-entrant submit appends to `w` (still
    // this.waiting), and the splice keeps what was added
    if (i === w.length) w.length = 0;
    else if (i > 0) w.splice(0, i);
  }

  /** Some job has its own `concurrency`: a delivery over its job's limit keeps its place in line. */
  private startWithinLimits(w: Held[]): void {
    const max = this.rt.opts.concurrency;
    const kept: Held[] = [];
    let i = 0;
    for (; i < w.length && this.running.size < max; i++) {
      const h = w[i] as Held;
      if ((this.perName.get(h.name) ?? 0) >= this.limitOf(h.name)) kept.push(h);
      else {
        this.running.add(h);
        this.perName.set(h.name, (this.perName.get(h.name) ?? 0) + 1);
        startJob(this.shared, h);
      }
    }
    if (i > 0) this.waiting = i >= w.length ? kept : kept.concat(w.slice(i));
  }

  private notifySlots(): void {
    if (this.free <= 0 || this.slotWaiters.length === 0) return;
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const w of waiters) w();
  }
}
