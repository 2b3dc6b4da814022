/**
 * The local job pool: deliveries this worker holds, waiting for a slot or running. It enforces the worker's
 * concurrency and each job's own `concurrency`, knows which deliveries need their lease renewed, and lets
 * shutdown interrupt the running ones. Deliveries read beyond the free slots (several queues read at once)
 * wait here with their lease renewed.
 */
import { type Delivery, isWakeMarker, type QueueKeys } from '@sluice/core';
import { JobInterrupt } from './classify.js';
import { type RunJobResult, runJob } from './run-job.js';
import { RunSignal } from './run-signal.js';
import type { Runtime } from './runtime.js';

/** A delivery held by this worker. */
export interface Held {
  keys: QueueKeys;
  delivery: Delivery;
  fields: Record<string, string>;
  /** Job name from the fields ('' when missing). */
  name: string;
  /** False once the lease must no longer be renewed (timed out, lost, finishing elsewhere). */
  renew: boolean;
  /** Interrupts the run (shutdown, lease lost). */
  interrupt: RunSignal;
  /** Settles when the run is over; undefined while waiting for a slot. */
  done?: Promise<void>;
  /** True once its slot was given up (the handler is over; its ack or retry may still be in flight). */
  released?: boolean;
}

/** Runs deliveries within the concurrency limits. */
export class JobPool {
  private readonly waiting: Held[] = [];
  private readonly running = new Set<Held>();
  /** Handlers that are over whose outcome (ack, retry, dead letter) is still being recorded. */
  private readonly finishing = new Set<Held>();
  private readonly perName = new Map<string, number>();
  private slotWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly rt: Runtime,
    private readonly hooks: { wake(queue: string, inMs?: number): void },
  ) {}

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
    return this.running.size + this.finishing.size;
  }

  /** Take a delivery: run it when a slot (and its job's limit) allows. */
  submit(keys: QueueKeys, delivery: Delivery, fields: Record<string, string>): void {
    const h: Held = { keys, delivery, fields, name: fields.name ?? '', renew: true, interrupt: new RunSignal() };
    if (isWakeMarker(fields)) {
      this.start(h, false);
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
    for (const h of this.running) h.interrupt.abort(reason);
  }

  /** Resolves when nothing runs and every outcome is recorded. */
  idle(): Promise<void> {
    if (this.runningCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private limitOf(name: string): number {
    return this.rt.opts.jobs.get(name)?.concurrency ?? Number.POSITIVE_INFINITY;
  }

  private pump(): void {
    if (this.closed) return;
    for (let i = 0; i < this.waiting.length && this.running.size < this.rt.opts.concurrency; ) {
      const h = this.waiting[i] as Held;
      if ((this.perName.get(h.name) ?? 0) >= this.limitOf(h.name)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.start(h, true);
    }
  }

  private notifySlots(): void {
    if (this.free <= 0) return;
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const w of waiters) w();
  }

  private start(h: Held, counted: boolean): void {
    if (counted) {
      this.running.add(h);
      this.perName.set(h.name, (this.perName.get(h.name) ?? 0) + 1);
    }
    const rt = this.rt;
    const queue = h.keys.queue;
    h.done = runJob({
      exec: rt.conn,
      keys: h.keys,
      consumer: rt.consumer,
      delivery: h.delivery,
      fields: h.fields,
      jobs: rt.opts.jobs,
      log: rt.log,
      enqueueCtx: rt.enqueueCtx,
      clock: rt.opts.clock,
      interrupt: h.interrupt,
      ack: (keys, d) => rt.acks.ack(keys, d),
      emit: rt.emit,
      onSettled: () => {
        // The handler is over: its slot goes to the next job while the outcome is recorded (still fenced).
        h.renew = false;
        this.release(h, counted);
      },
      onRetry: (ms) => this.hooks.wake(queue, ms),
      onMarker: () => this.hooks.wake(queue),
    })
      .then(
        (r: RunJobResult) => r,
        (err: unknown) => {
          // Redis stayed unreachable: the entry stays pending and is reclaimed after the lease (never lost).
          rt.log.error(
            { err, entryId: h.delivery.entryId, queue },
            'could not record the outcome of a job; it will be reclaimed',
          );
          rt.emit('worker:error', { error: err as Error, where: 'run-job' });
        },
      )
      .finally(() => {
        h.renew = false;
        this.release(h, counted);
        this.finishing.delete(h);
        if (this.runningCount === 0) {
          const w = this.idleWaiters;
          this.idleWaiters = [];
          for (const f of w) f();
        }
      })
      .then(() => {});
  }

  /** Give up `h`'s slot (once): the next waiting job may start. */
  private release(h: Held, counted: boolean): void {
    if (h.released) return;
    h.released = true;
    if (!counted) return;
    this.running.delete(h);
    this.finishing.add(h);
    const n = (this.perName.get(h.name) ?? 1) - 1;
    if (n <= 0) this.perName.delete(h.name);
    else this.perName.set(h.name, n);
    this.pump();
    this.notifySlots();
  }
}
