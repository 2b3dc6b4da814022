/**
 * Lease keeper: every lease/3, one fenced renewLeases call per queue for every delivery this worker holds
 * (running or waiting for a slot). A renewal the fence rejects means another worker reclaimed the job: the
 * run is aborted (`ctx.signal`) and `job:lease-lost` is emitted. Timed-out runs are not renewed. A renewal that
 * reports a cancel request aborts that run as cancelled (the safety net of cancel-watch's pub/sub).
 */
import { leaseLostMessage, renewLeases } from '@sluice/core/internal';
import { jobEventBase } from '../events.js';
import type { Held, JobPool } from '../run/pool.js';
import type { WorkerDeps } from '../worker-deps.js';
import { Outage, sleep } from './redis-resilience.js';

/** Renews the leases of every held delivery. */
export class LeaseKeeper {
  private loop: Promise<void> | undefined;
  private readonly ended = new AbortController();
  private readonly outage: Outage;

  constructor(
    private readonly rt: WorkerDeps,
    private readonly pool: JobPool,
  ) {
    this.outage = new Outage(rt.log, 'renewing job leases');
  }

  /** Start renewing. Runs until {@link stop} (it outlives `stopping`: jobs run during the grace period). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stop renewing. */
  async stop(): Promise<void> {
    this.ended.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const every = Math.max(10, Math.floor(this.rt.opts.lease / 3));
    while (!this.ended.signal.aborted) {
      await sleep(every, this.ended.signal);
      if (this.ended.signal.aborted) break;
      try {
        await this.renewAll();
        this.outage.ok();
      } catch (err) {
        this.outage.fail(err);
      }
    }
  }

  /** One round: one script call per stream (a queue's default stream, and each lane it has) with held deliveries. */
  async renewAll(): Promise<void> {
    const { conn, consumer, opts } = this.rt;
    const groups: { queue: string; held: Held[] }[] = [];
    for (const queue of opts.queues) {
      const byStream = new Map<string, Held[]>();
      for (const h of this.pool.leased(queue)) {
        const list = byStream.get(h.keys.stream);
        if (list) list.push(h);
        else byStream.set(h.keys.stream, [h]);
      }
      for (const held of byStream.values()) groups.push({ queue, held });
    }
    await Promise.all(
      groups.map(async ({ queue, held }) => {
        const first = held[0] as Held;
        const res = await renewLeases(
          conn,
          first.keys,
          consumer,
          held.map((h) => h.delivery),
        );
        res.forEach((r, i) => {
          const h = held[i];
          if (r.ok && r.cancel && h) this.pool.cancel(queue, h.fields.id ?? h.delivery.entryId);
          if (r.ok || !h || !h.renew) return;
          this.rt.log.warn(
            { queue, entryId: h.delivery.entryId, jobId: h.fields.id, reason: leaseLostMessage(r.lost) },
            'lease lost: aborting the job',
          );
          this.pool.leaseLost(h);
          this.rt.emit('job:lease-lost', { ...jobEventBase(queue, h.delivery.entryId, h.fields), during: 'renew' });
        });
      }),
    );
  }
}
