/**
 * Graceful shutdown: stop reading (destroy the blocking connections; no CLIENT UNBLOCK), hand back the
 * deliveries still waiting for a slot, let running jobs finish within `shutdownGrace`, abort the rest and hand
 * them back (retry-later, delay 0, same attempt) so another worker takes them at once, hand back any entry of
 * this consumer's pending list nobody tracks (a read answered while its connection was being destroyed),
 * remove this consumer only if its pending list is empty, and close the connection.
 */
import type { QueueKeys } from '@sluice/core';
import { GROUP, queueKeys, queueLanes, reapConsumer, streamCommands } from '@sluice/core/internal';
import type { Consumer } from './loops/consumer.js';
import type { LeaseKeeper } from './loops/lease-keeper.js';
import { sleep } from './loops/redis-resilience.js';
import { JobInterrupt } from './run/errors.js';
import { Held, type JobPool } from './run/pool.js';
import { handBack } from './run/transitions.js';
import type { WorkerDeps } from './worker-deps.js';

const { xpendingRange, xrange } = streamCommands;

/** The parts shutdown stops, in order. */
export interface ShutdownParts {
  rt: WorkerDeps;
  /** Aborts `rt.stopping`. */
  stop: AbortController;
  consumers: readonly Consumer[];
  /** Background loops that end when `rt.stopping` aborts (promoters, reclaimers, scheduler). */
  loops: ReadonlyArray<{ stopped(): Promise<void> }>;
  pool: JobPool;
  leaseKeeper: LeaseKeeper;
  /** Close the main connection. */
  close(): Promise<void>;
}

/** Hand back entries of this consumer's pending list that no run tracks. Returns how many. */
async function handBackOrphans(rt: WorkerDeps, keys: QueueKeys): Promise<number> {
  const pending = await xpendingRange(rt.conn, keys.stream, GROUP, { count: 1000, consumer: rt.consumer });
  let n = 0;
  for (const p of pending) {
    const [entry] = await xrange(rt.conn, keys.stream, { start: p.id, end: p.id });
    if (entry && (await handBack(rt, new Held(keys, { entryId: p.id, deliveries: p.deliveries }, entry.fields)))) n++;
  }
  return n;
}

/** Run the shutdown sequence. Resolves when everything is closed; logs (never throws) Redis failures. */
export async function shutdown(p: ShutdownParts): Promise<void> {
  const { rt, pool } = p;
  const { opts, log } = rt;
  p.stop.abort();
  for (const c of p.consumers) c.destroy();
  await Promise.all([...p.consumers, ...p.loops].map((c) => c.stopped()));

  const waiting = pool.close();
  await Promise.all(
    waiting.map((h) =>
      handBack(rt, h).catch((err) =>
        log.warn({ err, entryId: h.delivery.entryId }, 'hand-back failed; the job will be reclaimed after the lease'),
      ),
    ),
  );

  if (pool.runningCount > 0) {
    log.info({ running: pool.runningCount, graceMs: opts.shutdownGrace }, 'stopping: waiting for running jobs');
    const grace = new AbortController();
    await Promise.race([pool.idle(), sleep(opts.shutdownGrace, grace.signal)]);
    grace.abort();
  }
  if (pool.runningCount > 0) {
    log.warn({ running: pool.runningCount }, 'grace period over: aborting the running jobs and handing them back');
    pool.interruptAll(new JobInterrupt('shutdown', 'the worker is shutting down; the job was handed back'));
    await pool.idle();
  }
  await rt.acks.flush();
  await p.leaseKeeper.stop();

  for (const queue of opts.queues) {
    const base = queueKeys(opts.prefix, queue);
    try {
      // the default stream and every lane's (priorities, fair groups): each has this consumer in its group
      const lanes = await queueLanes(rt.conn, base);
      for (const keys of [base, ...lanes.map((l) => base.inLane(l))]) {
        const orphans = await handBackOrphans(rt, keys);
        if (orphans > 0) log.info({ queue, orphans }, 'handed back entries read while stopping');
        const reaped = await reapConsumer(rt.conn, keys, rt.consumer);
        if (!reaped)
          log.warn(
            { queue },
            'consumer kept: its pending list is not empty (those jobs are reclaimed after the lease)',
          );
      }
    } catch (err) {
      log.warn({ err, queue }, 'could not clean up the consumer; its jobs (if any) are reclaimed after the lease');
    }
  }

  await p.close();
}
