/**
 * Reclaimer of one queue: every lease interval, XAUTOCLAIM (claim-lanes: it marks the previous owners for the fence
 * fast path) the entries idle in the pending list longer than
 * the lease (their worker died or hangs), looping on the cursor, as many as the pool may hold waiting (up to
 * `concurrency`, even while every slot is busy, so abandoned jobs go ahead of new reads). The
 * delivery count of each claimed entry (the fencing token) comes with the claim (claim-lanes reads it with XPENDING
 * in the same script). An entry delivered more than
 * `maxDeliveries` times is dead-lettered as poison; entries deleted from the stream while pending (trimmed)
 * are reported (error log, `job:lost`, and a `reason lost` tombstone in the dead-letter stream), never dropped
 * silently.
 * It also reaps the consumers of dead workers: on its first sweep, after a sweep that claimed entries (a worker
 * died), on the sweep after, while a quiet consumer still holds entries, and every REAP_EVERY_SWEEPS sweeps, it
 * deletes every other consumer idle longer than the lease whose pending list is empty (reap-consumer checks that
 * in the script; a live worker's deleted consumer comes back with its next read). The first queue's reclaimer also
 * prunes the records of workers whose connections are gone. An idle worker pays one round of this an hour.
 */
import type { QueueKeys } from '@sluice/core';
import {
  claimLanes,
  type Delivery,
  GROUP,
  lostEntryFields,
  pruneStolen,
  pruneWorkerRecords,
  reapConsumer,
  streamCommands,
} from '@sluice/core/internal';
import { jobEventBase } from '../events.js';
import { Held, type JobPool } from '../run/pool.js';
import { deadLetterPoison } from '../run/transitions.js';
import type { WorkerDeps } from '../worker-deps.js';
import type { QueueLanes } from './queue-lanes.js';
import { Outage, sleep } from './redis-resilience.js';

const { xinfoConsumers, xpendingRange, xread } = streamCommands;
/** One stream's claim (claim-lanes). */
type LaneClaim = Awaited<ReturnType<typeof claimLanes>>[number];

/** Most XAUTOCLAIM calls in one sweep. */
const MAX_CALLS_PER_SWEEP = 50;

/** Sweeps between two rounds of reaping when nothing happens: 120, an hour at the default 30 s lease. */
export const REAP_EVERY_SWEEPS = 120;

/** Reclaims one queue's abandoned entries. */
export class Reclaimer {
  private loop: Promise<void> | undefined;
  private readonly outage: Outage;
  private sweeps = 0;
  private reapDue = false;
  private readonly log;

  constructor(
    private readonly rt: WorkerDeps,
    private readonly keys: QueueKeys,
    private readonly pool: Pick<JobPool, 'free' | 'submit'> & { readonly reclaimRoom?: number },
    /** `prune`: also forget gone workers' records; `lanes`: the queue's lanes, swept too (queue-lanes.ts). */
    private readonly role: { readonly prune?: boolean; readonly lanes?: QueueLanes } = {},
  ) {
    this.log = rt.log.child({ queue: keys.queue });
    this.outage = new Outage(this.log, `reclaiming abandoned jobs of queue "${keys.queue}"`);
  }

  /** Sweep now, then every lease interval until stop. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves when the loop has ended. */
  async stopped(): Promise<void> {
    await this.loop;
  }

  private async run(): Promise<void> {
    const { stopping, opts } = this.rt;
    while (!stopping.aborted) {
      try {
        // every REAP_EVERY_SWEEPS sweeps (and the first), every stream is swept, even one that holds no entry
        const round = this.sweeps++ % REAP_EVERY_SWEEPS === 0;
        const claimed = await this.sweep({ full: round });
        const due = this.reapDue || claimed > 0 || round;
        this.reapDue = claimed > 0; // once more on the next sweep: the dead worker's consumer is idle by then
        if (due && !stopping.aborted) await this.reap();
        this.outage.ok();
      } catch (err) {
        if (stopping.aborted) break;
        this.outage.fail(err);
      }
      await sleep(opts.lease, stopping);
    }
  }

  /**
   * Delete the other consumers idle longer than the lease that hold nothing (the script checks their pending list
   * is empty); a quiet one still holding entries makes the next sweep reap again. Returns the names deleted.
   */
  async reap(): Promise<string[]> {
    const { conn, consumer, opts } = this.rt;
    const gone: string[] = [];
    // the default stream and each lane's: every stream's group has the consumers that read it
    for (const keys of this.role.lanes?.order ?? [this.keys]) {
      for (const c of await xinfoConsumers(conn, keys.stream, GROUP)) {
        if (c.name === consumer || c.idleMs < opts.lease) continue;
        if (c.pending > 0) this.reapDue = true;
        else if (await reapConsumer(conn, keys, c.name)) gone.push(c.name);
      }
    }
    if (gone.length > 0) this.log.info({ consumers: gone }, `removed ${gone.length} idle consumer(s) holding no jobs`);
    // a deleted consumer keeps its mark (its worker may only hang and come back): marks go by age only
    await pruneStolen(conn, this.keys);
    if (this.role.prune) {
      const pruned = await pruneWorkerRecords(conn, opts.prefix);
      if (pruned.length > 0) this.log.info({ workers: pruned }, `forgot ${pruned.length} worker(s) that are gone`);
    }
    return gone;
  }

  /**
   * One sweep of the queue's stream and of each lane it has (queue-lanes.ts); returns how many were claimed.
   * With lanes and `full` false, only the streams that hold an entry are swept (see {@link withEntries}).
   */
  async sweep({ full = true }: { full?: boolean } = {}): Promise<number> {
    let claimed = 0;
    // a full sweep covers the lanes the queue has now (at start: before the consumer's first read learned them)
    if (full) await this.role.lanes?.refresh();
    const all = this.role.lanes?.order ?? [this.keys];
    if (all.length === 1) claimed = await this.sweepStream(this.keys, '0-0');
    else {
      const { conn, consumer, opts } = this.rt;
      const room = this.pool.reclaimRoom ?? this.pool.free;
      if (room <= 0) return 0;
      const order = full ? all : await this.withEntries(all);
      if (order.length === 1) claimed = await this.sweepStream(order[0] as QueueKeys, '0-0');
      if (order.length <= 1) return this.claimed(claimed);
      // the first claim of every stream in one call, then only where a cursor is left
      const first = await claimLanes(conn, order, consumer, opts.lease, Math.min(100, room));
      for (const [i, keys] of order.entries()) {
        const r = first[i];
        if (!r) continue;
        claimed += await this.handle(keys, r);
        if (r.nextId !== '0-0') claimed += await this.sweepStream(keys, r.nextId);
      }
    }
    return this.claimed(claimed);
  }

  /** Log a sweep that claimed; it marked their owners, so the marks older than a day go too (prune-stolen). */
  private async claimed(n: number): Promise<number> {
    if (n === 0) return n;
    this.log.info({ claimed: n }, `reclaimed ${n} abandoned job(s)`);
    await pruneStolen(this.rt.conn, this.keys);
    return n;
  }

  /**
   * The streams of `order` that hold at least one entry, by one XREAD (COUNT 1, from 0) of them all instead of an
   * XAUTOCLAIM each: every finish (ack, retry, dead letter, cancel) deletes the job's entry with its XACK, so only a
   * stream holding entries can hold a pending job. What this skips is an entry trimmed while pending from a stream
   * now empty: reported by the next full sweep (every REAP_EVERY_SWEEPS) or once the stream holds an entry again.
   */
  private async withEntries(order: readonly QueueKeys[]): Promise<QueueKeys[]> {
    const reads = await xread(
      this.rt.conn,
      order.map((k) => ({ key: k.stream, id: '0-0' })),
      { count: 1 },
    );
    const held = new Set(reads.filter((r) => r.entries.length > 0).map((r) => r.stream));
    return order.filter((k) => held.has(k.stream));
  }

  /** XAUTOCLAIM one stream from `cursor` until it wraps (at most MAX_CALLS_PER_SWEEP calls). */
  private async sweepStream(keys: QueueKeys, from: string): Promise<number> {
    const { conn, consumer, opts, stopping } = this.rt;
    // from the start of the stream, one read-only XPENDING for an entry idle past the lease comes first: a queue with
    // nothing to reclaim (idle, or busy and healthy) pays that one command per sweep, not claim-lanes' four
    // (EVALSHA, XPENDING, XAUTOCLAIM, TIME): the idle budget (docs/decisions.md "Fence fast path")
    if (from === '0-0' && (await xpendingRange(conn, keys.stream, GROUP, { idle: opts.lease, count: 1 })).length === 0)
      return 0;
    let cursor = from;
    let claimed = 0;
    for (let calls = 0; calls < MAX_CALLS_PER_SWEEP && !stopping.aborted; calls++) {
      const room = this.pool.reclaimRoom ?? this.pool.free;
      if (room <= 0) break;
      // claim-lanes on this one stream: the XAUTOCLAIM marks the previous owners (the fence fast path)
      const [r] = await claimLanes(conn, [keys], consumer, opts.lease, Math.min(100, room), cursor);
      if (!r) break;
      claimed += await this.handle(keys, r);
      cursor = r.nextId;
      if (cursor === '0-0') break;
    }
    return claimed;
  }

  /** What one XAUTOCLAIM of `keys.stream` gave: report deleted entries, take (or dead-letter) the claimed ones. */
  private async handle(keys: QueueKeys, r: LaneClaim): Promise<number> {
    let claimed = 0;
    for (const id of r.deletedIds) {
      this.log.error(
        { entryId: id },
        `job lost: entry ${id} of queue "${this.keys.queue}" was deleted from the stream (trimmed?) while pending`,
      );
      this.rt.emit('job:lost', { queue: this.keys.queue, entryId: id, reason: 'trimmed' });
    }
    if (r.deletedIds.length > 0) await this.recordLost(r.deletedIds);
    for (const e of r.entries) {
      // counted in the claim's script (claim-lanes): present when the entry was this consumer's as the script ended
      const deliveries = r.deliveries.get(e.id);
      if (deliveries === undefined) continue;
      claimed++;
      await this.take(keys, { entryId: e.id, deliveries, jobId: e.fields.id }, e.fields);
    }
    return claimed;
  }

  /**
   * XAUTOCLAIM has already dropped these entries from the pending list: leave a `reason lost` tombstone for each
   * in the dead-letter stream, so `queue stats` (dead) and `sluice dead list` show the loss, not only this log.
   * The payload is gone; the tombstone names the entry id. Redrive skips it (it has no job fields).
   */
  private async recordLost(ids: readonly string[]): Promise<void> {
    const dead = this.keys.dead;
    const at = this.rt.opts.clock.now();
    await Promise.all(
      ids.map((id) =>
        this.rt.conn
          .send(['XADD', dead, '*', ...lostEntryFields(id, at)], dead)
          .catch((err: unknown) =>
            this.log.error({ err, entryId: id }, 'could not record a lost job in the dead stream'),
          ),
      ),
    );
  }

  private async take(keys: QueueKeys, d: Delivery, fields: Record<string, string>): Promise<void> {
    const { opts } = this.rt;
    const held = new Held(keys, d, fields);
    if (!held.marker && this.rt.listening?.('job:reclaimed') !== false)
      this.rt.emit('job:reclaimed', { ...jobEventBase(this.keys.queue, d.entryId, fields), deliveries: d.deliveries });
    if (d.deliveries <= opts.maxDeliveries || held.marker) {
      this.pool.submit(held);
      return;
    }
    await deadLetterPoison({ ...this.rt, log: this.log }, held, {
      maxDeliveries: opts.maxDeliveries,
      now: opts.clock.now(),
    });
  }
}
