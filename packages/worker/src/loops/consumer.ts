/**
 * Consumer of one queue: one blocking XREADGROUP loop on its own connection (`duplicate()`), reading as many
 * entries as there are free slots, for at most `blockMs` (less when the promoter's next due time is sooner).
 * A queue with lanes (priorities, fair groups: queue-lanes.ts) is read highest priority first by the read-lanes
 * script, then with one blocking read of every lane's stream when that found nothing.
 * Before each read it checks the queue's paused key (re-checking every second while paused). A failed read
 * (socket closed, UNBLOCKED, NOGROUP after a FLUSH) is retried with backoff and logged once per outage.
 * Shutdown destroys the connection: no reliance on CLIENT UNBLOCK.
 */
import type { Connection, QueueKeys } from '@sluice/core';
import { connectionName, GROUP, type LaneRead, queueFlags, readLanes, streamCommands } from '@sluice/core/internal';
import { Held, type JobPool } from '../run/pool.js';
import type { WorkerDeps } from '../worker-deps.js';
import type { Promoter } from './promoter.js';
import { QueueLanes } from './queue-lanes.js';
import { ensureGroup } from './queue-setup.js';
import { Outage, retryDelay, sleep } from './redis-resilience.js';

const { isNoGroupError, xreadgroup } = streamCommands;

/** Re-check interval of a paused queue, in ms. */
export const PAUSE_RECHECK_MS = 1000;
/** Shortest block of a read, in ms. */
const MIN_BLOCK_MS = 50;

/** The block of the next read: `blockMs`, or less when a delayed job is due sooner. */
export function blockFor(blockMs: number, nextDueInMs: number | undefined): number {
  if (nextDueInMs === undefined) return blockMs;
  return Math.max(MIN_BLOCK_MS, Math.min(blockMs, Math.ceil(nextDueInMs)));
}

/** Reads one queue into the pool. */
export class Consumer {
  private blocking: Connection | undefined;
  private loop: Promise<void> | undefined;
  private ended = false;
  /** The last read of a queue with lanes was a blocking one that found nothing. */
  private idle = false;
  private readonly outage: Outage;
  private readonly log;
  /** The name of the blocking connection (CLIENT SETNAME): live-worker listings look for it (core's workers.ts). */
  readonly clientName: string;

  constructor(
    private readonly rt: WorkerDeps,
    private readonly keys: QueueKeys,
    private readonly pool: JobPool,
    private readonly promoter: Promoter,
    private readonly lanes: QueueLanes = new QueueLanes(rt.conn, keys),
  ) {
    this.log = rt.log.child({ queue: keys.queue });
    this.outage = new Outage(this.log, `reading queue "${keys.queue}"`);
    this.clientName = connectionName(rt.consumer, keys.queue);
  }

  /**
   * A read of a queue with lanes: one read-lanes script call (non-blocking, highest priority first); when it
   * finds nothing, one blocking XREADGROUP on every lane's stream. That read may return entries of several
   * streams (more than `count`): the pool holds the extra ones waiting, with their leases renewed.
   */
  private async readLanes(count: number, block: number): Promise<LaneRead[]> {
    const { order } = this.lanes;
    // after a blocking read that found nothing, block again at once: anything that came since is returned by it
    // at once (a grouped job comes with a `wake` marker), so an idle worker sends one read per block, as before
    if (!this.idle) {
      const now = await readLanes(this.rt.conn, this.keys, order, this.rt.consumer, count);
      if (now.some((r) => r.entries.length > 0)) return now;
    }
    const byStream = new Map(order.map((k) => [k.stream, k]));
    const reads = await xreadgroup(
      this.blocking as Connection,
      GROUP,
      this.rt.consumer,
      order.map((k) => ({ key: k.stream, id: '>' })),
      { count, block },
    );
    this.idle = reads.every((r) => r.entries.length === 0);
    return reads.map((r) => ({ keys: byStream.get(r.stream) ?? this.keys, entries: r.entries }));
  }

  /** Open the blocking connection and start reading. */
  async start(): Promise<void> {
    this.blocking = await this.rt.conn.duplicate();
    await this.name();
    this.loop = this.run().finally(() => {
      this.ended = true;
    });
  }

  /** True while the read loop runs and its last read did not fail (the readiness check). */
  get reading(): boolean {
    return this.loop !== undefined && !this.ended && !this.outage.active;
  }

  /** Drop the blocking connection at once (the read in flight rejects); the loop then ends. */
  destroy(): void {
    this.blocking?.destroy();
  }

  /** Resolves when the loop has ended. */
  async stopped(): Promise<void> {
    await this.loop;
  }

  private async name(): Promise<void> {
    try {
      await this.blocking?.send(['CLIENT', 'SETNAME', this.clientName], this.keys.stream);
    } catch {
      // A name is for operators only; a server that refuses CLIENT SETNAME still works.
    }
  }

  private async run(): Promise<void> {
    const { stopping, consumer, opts } = this.rt;
    let failures = 0;
    let wasPaused = false;
    // The pause flag is read before every read that may block (the last one found nothing), and at most once
    // a second while jobs keep coming: a busy worker sees a pause within PAUSE_RECHECK_MS, with no extra
    // round trip per read.
    let mayBlock = true;
    let pausedCheckedAt = Number.NEGATIVE_INFINITY;
    while (!stopping.aborted) {
      // no read-ahead on a queue with lanes: a held job would run before a higher-priority one enqueued after it
      await (this.lanes.any ? this.pool.waitForSlot(stopping) : this.pool.waitForRead(stopping));
      if (stopping.aborted) break;
      try {
        const now = performance.now();
        const check = mayBlock || wasPaused || now - pausedCheckedAt >= PAUSE_RECHECK_MS;
        if (check) pausedCheckedAt = now;
        // the pause flag and the queue's lanes, in one MGET (queue-lanes.ts)
        const flags = check ? await queueFlags(this.rt.conn, this.keys) : undefined;
        if (flags) await this.lanes.learn(flags.lanes);
        if (flags?.paused) {
          if (!wasPaused) this.log.info(`queue "${this.keys.queue}" is paused: taking no new jobs`);
          wasPaused = true;
          this.outage.ok();
          await sleep(PAUSE_RECHECK_MS, stopping);
          continue;
        }
        if (wasPaused) this.log.info(`queue "${this.keys.queue}" resumed`);
        wasPaused = false;
        const count = this.lanes.any ? this.pool.free : this.pool.readRoom;
        if (count <= 0) continue;
        const block = blockFor(opts.blockMs, this.promoter.msUntilNextDue());
        if (failures > 0) await this.name();
        await this.lanes.refresh();
        const reads = this.lanes.any
          ? await this.readLanes(count, block)
          : (
              await xreadgroup(
                this.blocking as Connection,
                GROUP,
                consumer,
                { key: this.keys.stream, id: '>' },
                { count, block },
              )
            ).map((r) => ({ keys: this.keys, entries: r.entries }));
        this.outage.ok();
        failures = 0;
        // a read of `wake` markers only counts as empty: the pause flag is checked again before the next read
        mayBlock = true;
        for (const r of reads) {
          for (const e of r.entries) {
            const held = new Held(r.keys, { entryId: e.id, deliveries: 1, jobId: e.fields?.id }, e.fields ?? {});
            // a marker may say a new lane exists (enqueue-lane writes one with the lane's first job)
            if (held.marker) this.lanes.markStale();
            else mayBlock = false;
            this.pool.submit(held);
          }
        }
      } catch (err) {
        if (stopping.aborted) break;
        this.outage.fail(err);
        if (isNoGroupError(err)) {
          try {
            await ensureGroup(this.rt.conn, this.keys);
            await this.lanes.ensureGroups();
            this.log.warn(
              `consumer group of queue "${this.keys.queue}" was missing (stream deleted or flushed); re-created`,
            );
          } catch {
            // Retried on the next round.
          }
        }
        await sleep(retryDelay(failures++), stopping);
      }
    }
  }
}
