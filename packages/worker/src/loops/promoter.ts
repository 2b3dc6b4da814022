/**
 * Promoter of one queue: moves due delayed jobs (retries, delayed enqueues) onto the stream with the
 * promote-due script, at the next due time the script reports (server time). Between due times it sleeps:
 * no polling. It is woken by `wake` markers (a producer or another worker added an earlier job) and by this
 * worker's own retries.
 */
import type { QueueKeys } from '@sluice/core';
import { DEFAULTS, promoteDue } from '@sluice/core/internal';
import type { WorkerDeps } from '../worker-deps.js';
import { Outage, retryDelay, sleep } from './redis-resilience.js';

/** Longest single timer (setTimeout overflows past 2^31-1 ms); the loop simply re-plans. */
const MAX_TIMER = 2 ** 31 - 1;

/** Promotes one queue's due jobs. */
export class Promoter {
  private nextDueAt: number | undefined;
  private kicked = false;
  private kick: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly outage: Outage;

  constructor(
    private readonly rt: WorkerDeps,
    private readonly keys: QueueKeys,
  ) {
    this.outage = new Outage(rt.log.child({ queue: keys.queue }), `promoting delayed jobs of queue "${keys.queue}"`);
  }

  /** Start the loop (promotes at once, then at each due time). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves when the loop has ended (after stop() began). */
  async stopped(): Promise<void> {
    this.kick?.();
    await this.loop;
  }

  /** Ms until the next known due time, or undefined when nothing is known to be due. */
  msUntilNextDue(): number | undefined {
    return this.nextDueAt === undefined ? undefined : Math.max(0, this.nextDueAt - this.rt.opts.clock.monotonic());
  }

  /** Promote now, or (with `inMs`) plan a promotion that far ahead unless one is planned sooner. No command sent. */
  wake(inMs?: number): void {
    if (inMs !== undefined && inMs > 0) {
      const at = this.rt.opts.clock.monotonic() + inMs;
      if (this.nextDueAt !== undefined && this.nextDueAt <= at) return;
      this.nextDueAt = at;
    } else {
      this.kicked = true;
    }
    this.kick?.();
  }

  private async run(): Promise<void> {
    const { clock } = this.rt.opts;
    let failures = 0;
    while (!this.rt.stopping.aborted) {
      this.kicked = false;
      try {
        const r = await promoteDue(this.rt.conn, this.keys, DEFAULTS.promoteBatch);
        this.outage.ok();
        failures = 0;
        if (r.moved >= DEFAULTS.promoteBatch) continue;
        this.nextDueAt = r.nextDueInMs === null ? undefined : clock.monotonic() + r.nextDueInMs + 1;
      } catch (err) {
        if (this.rt.stopping.aborted) break;
        this.outage.fail(err);
        await sleep(retryDelay(failures++), this.rt.stopping);
        continue;
      }
      await this.sleepUntilDue();
    }
  }

  /** Sleep until the planned due time, a wake, or stop. A re-plan (wake with a delay) re-arms the timer. */
  private async sleepUntilDue(): Promise<void> {
    while (!this.kicked && !this.rt.stopping.aborted) {
      const planned = this.nextDueAt;
      const wait = planned === undefined ? undefined : planned - this.rt.opts.clock.monotonic();
      if (wait !== undefined && wait <= 0) return;
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = () => {
          clearTimeout(timer);
          this.rt.stopping.removeEventListener('abort', done);
          this.kick = undefined;
          resolve();
        };
        if (wait !== undefined) timer = setTimeout(done, Math.min(wait, MAX_TIMER));
        this.rt.stopping.addEventListener('abort', done, { once: true });
        this.kick = done;
      });
      // Loop: returns when due; re-arms when wake() planned an earlier time.
    }
  }
}
