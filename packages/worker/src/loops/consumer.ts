/**
 * Consumer of one queue: one blocking XREADGROUP loop on its own connection (`duplicate()`), reading as many
 * entries as there are free slots, for at most `blockMs` (less when the promoter's next due time is sooner).
 * A queue with lanes (priorities, fair groups: queue-lanes.ts) is read highest priority first by the read-lanes
 * script, then with one blocking read of every lane's stream when that found nothing.
 * It reads the queue's paused key and lanes (one MGET) when told they changed: a pause, a resume or a new lane is
 * published on the queue's channel (cancel-watch.ts), and a blocking read in progress is ended (CLIENT UNBLOCK, not
 * on a cluster) so the worker takes no job enqueued after a pause; and every FLAGS_RECHECK_BLOCKS blocks anyway
 * (what a lost message costs). Without that subscription it reads them before every read that may block and every
 * second while busy or paused, as before. A failed read (socket closed, UNBLOCKED, NOGROUP after a FLUSH) is
 * retried with backoff and logged once per outage. Shutdown destroys the connection: no reliance on CLIENT UNBLOCK.
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

/** Re-check interval of a paused or busy queue whose flags changes this worker cannot hear, in ms. */
export const PAUSE_RECHECK_MS = 1000;
/**
 * Re-check interval of the flags of a queue whose changes this worker hears on its channel, in blocks (`blockMs`):
 * 4, two minutes at the default 30 s block. What a lost message costs at most.
 */
export const FLAGS_RECHECK_BLOCKS = 4;

/** Whether the queue's flags changes are heard at once (the cancel watcher's subscription is up). */
export interface FlagsHeard {
  readonly live: boolean;
}
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
  /** Told the flags changed since they were last read. */
  private hinted = false;
  /** Ends the sleep of a paused queue when its flags change. */
  private nap: AbortController | undefined;
  /** The blocking connection's CLIENT ID (for CLIENT UNBLOCK), when the server tells it. */
  private blockingId: string | undefined;
  /** A read on the blocking connection is in flight. */
  private inRead = false;
  /** The read sent while the last batch ran (read-ahead), answered at the top of the next round. */
  private sent: Promise<LaneRead[]> | undefined;
  /** Reads started (which read `inRead` is about). */
  private reads = 0;
  private readonly log;
  /** The name of the blocking connection (CLIENT SETNAME): live-worker listings look for it (core's workers.ts). */
  readonly clientName: string;

  constructor(
    private readonly rt: WorkerDeps,
    private readonly keys: QueueKeys,
    private readonly pool: JobPool,
    private readonly promoter: Promoter,
    private readonly lanes: QueueLanes = new QueueLanes(rt.conn, keys),
    private readonly heard: FlagsHeard = { live: false },
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
      if (now.some((r) => r.entries.length > 0) || this.hinted) return now;
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

  /** One blocking XREADGROUP of the queue's stream (a queue without lanes). */
  private async readStream(count: number, block: number): Promise<LaneRead[]> {
    const reads = await xreadgroup(
      this.blocking as Connection,
      GROUP,
      this.rt.consumer,
      { key: this.keys.stream, id: '>' },
      { count, block },
    );
    return reads.map((r) => ({ keys: this.keys, entries: r.entries }));
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
    const b = this.blocking;
    await Promise.all([
      // a name is for operators only; a server that refuses CLIENT SETNAME still works
      b?.send(['CLIENT', 'SETNAME', this.clientName], this.keys.stream).catch(() => {}),
      // not on a cluster: there the reply came from another node's connection than the read's (seen on 7.0), so a
      // pause reaches a blocked reader when its block ends, as without CLIENT UNBLOCK
      b?.isCluster
        ? undefined
        : b?.send(['CLIENT', 'ID'], this.keys.stream).then(
            (id) => {
              this.blockingId = String(id);
            },
            () => {
              this.blockingId = undefined;
            },
          ),
    ]);
  }

  /** The queue's flags changed (heard on its channel): read them before the next read, ending a blocking one. */
  flagsChanged(): void {
    this.hinted = true;
    this.nap?.abort();
    if (this.inRead) void this.unblock();
  }

  /**
   * CLIENT UNBLOCK the read in flight (it returns as if timed out). The read may not have reached the server yet
   * (a busy or cluster client): tried again, 10 ms apart doubling up to 500 ms, while that same read is in flight.
   */
  private async unblock(): Promise<void> {
    const read = this.reads;
    for (
      let i = 0;
      this.inRead && this.reads === read && this.blockingId !== undefined && !this.rt.stopping.aborted;
      i++
    ) {
      const done = await this.rt.conn.send(['CLIENT', 'UNBLOCK', this.blockingId], this.keys.stream).then(
        (n) => Number(n) === 1,
        () => true, // refused: the read ends at its block's end
      );
      if (done) return;
      await sleep(Math.min(500, 10 * 2 ** i), this.rt.stopping);
    }
  }

  private async run(): Promise<void> {
    const { stopping, opts } = this.rt;
    let failures = 0;
    let wasPaused = false;
    // Hearing flag changes (cancel-watch.ts): read on a message and every FLAGS_RECHECK_BLOCKS. Otherwise before every
    // read that may block (the last one found nothing), and at most once a second while jobs keep coming or paused.
    let mayBlock = true;
    let pausedCheckedAt = Number.NEGATIVE_INFINITY;
    while (!stopping.aborted) {
      // no read-ahead on a queue with lanes: a held job would run before a higher-priority one enqueued after it
      const sent = this.sent;
      this.sent = undefined;
      if (!sent) await (this.lanes.any ? this.pool.waitForSlot(stopping) : this.pool.waitForRead(stopping));
      if (stopping.aborted) break;
      try {
        let reads: LaneRead[];
        const now = performance.now();
        const { live } = this.heard;
        const every = live ? FLAGS_RECHECK_BLOCKS * opts.blockMs : PAUSE_RECHECK_MS;
        if (sent)
          reads = await sent; // sent while the previous batch ran (below): no check was due
        else {
          const check = this.hinted || wasPaused || (mayBlock && !live) || now - pausedCheckedAt >= every;
          if (check) {
            pausedCheckedAt = now;
            this.hinted = false;
          }
          // the pause flag and the queue's lanes, in one MGET (queue-lanes.ts)
          const flags = check ? await queueFlags(this.rt.conn, this.keys) : undefined;
          if (flags) await this.lanes.learn(flags.lanes);
          if (flags?.paused) {
            if (!wasPaused) this.log.info(`queue "${this.keys.queue}" is paused: taking no new jobs`);
            wasPaused = true;
            this.outage.ok();
            this.nap = new AbortController();
            await sleep(every, AbortSignal.any([stopping, this.nap.signal]));
            continue;
          }
          if (wasPaused) this.log.info(`queue "${this.keys.queue}" resumed`);
          wasPaused = false;
          const count = this.lanes.any ? this.pool.free : this.pool.readCount;
          if (count <= 0) continue;
          const block = blockFor(opts.blockMs, this.promoter.msUntilNextDue());
          if (failures > 0) await this.name();
          await this.lanes.refresh();
          if (this.hinted) continue; // changed since read: read them again first
          this.inRead = true;
          this.reads++;
          reads = this.lanes.any ? await this.readLanes(count, block) : await this.readStream(count, block);
        }
        this.inRead = false;
        this.outage.ok();
        failures = 0;
        // a read of `wake` markers only counts as empty: the pause flag is checked again before the next read
        mayBlock = true;
        const at = this.rt.opts.clock.monotonic();
        const held: Held[] = [];
        let jobs = 0;
        for (const r of reads) {
          for (const e of r.entries) {
            const h = new Held(r.keys, { entryId: e.id, deliveries: 1, jobId: e.fields?.id }, e.fields ?? {});
            // a marker may say a new lane exists (enqueue-lane writes one with the lane's first job)
            if (h.marker) this.lanes.markStale();
            else jobs++;
            held.push(h);
          }
        }
        if (jobs > 0) mayBlock = false;
        // reading ahead with nothing to check first (as the next round would find): the next read goes out now and
        // Redis answers it while this batch runs; these start on the next turn, after the client wrote the read
        const beside =
          this.lanes.any || this.hinted || mayBlock || this.lanes.mustRefresh ? 0 : this.pool.readBeside(jobs);
        if (beside > 0 && performance.now() - pausedCheckedAt < every) {
          this.inRead = true;
          this.reads++;
          const next = this.readStream(beside, blockFor(opts.blockMs, this.promoter.msUntilNextDue()));
          next.catch(() => {}); // its error is taken where it is awaited, at the top of the next round
          this.sent = next;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        for (const h of held) this.pool.submit(h, at);
      } catch (err) {
        this.inRead = false;
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
