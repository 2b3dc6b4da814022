/**
 * What a worker, drain run or push dispatcher tells Redis about itself, once at start: its main connection's name
 * (`sluice:<consumer>`, on every queue's node; the blocking connections name themselves), its record in the
 * workers hash (host, pid, version, queues, ...) and the definitions of the jobs it serves in the catalogue. An
 * idle worker pays nothing for this afterwards (docs/decisions.md, "Live workers"); stop() removes the record.
 */
import { hostname } from 'node:os';
import type { AnyJob } from '@sluice/core';
import {
  connectionName,
  DEFAULT_STALE_MS,
  describeJob,
  forgetWorkers,
  publishCatalogue,
  queueKeys,
  registerWorker,
  type WorkerKind,
  type WorkerRecord,
} from '@sluice/core/internal';
import type { ResolvedOptions } from '../options.js';
import type { WorkerDeps } from '../worker-deps.js';
import { workerVersion } from './version.js';

/**
 * The stale time a worker records: after this long without a command on its connections (an idle worker sends one
 * every block period) or activity of its consumer it is not live, though still connected (hung). `ms` is its
 * block + lease (a drain: budget + lease); never under core's DEFAULT_STALE_MS (60 s), so a busy machine's slow
 * loop does not make a live worker flicker.
 */
export const staleAfter = (ms: number): number => Math.max(DEFAULT_STALE_MS, ms);

/** The jobs a worker serves: those of the queues it reads, and those it schedules (cron). */
export function servedJobs(opts: ResolvedOptions, jobs: Iterable<AnyJob> = opts.jobs.values()): AnyJob[] {
  return [...jobs].filter((j) => opts.queues.includes(j.queue) || j.schedule !== undefined);
}

/** The record a worker writes about itself (pure but for host, pid and version). */
export function workerRecord(opts: ResolvedOptions, consumer: string, kind: WorkerKind, staleMs: number): WorkerRecord {
  return {
    consumer,
    kind,
    host: hostname(),
    pid: process.pid,
    version: workerVersion(),
    queues: [...opts.queues],
    concurrency: opts.concurrency,
    startedAt: opts.clock.now(),
    staleMs,
  };
}

/** Name the main connection `sluice:<consumer>`: once, or on a cluster once per queue's node. */
async function nameMain(rt: WorkerDeps): Promise<void> {
  const name = connectionName(rt.consumer);
  const keys = rt.conn.isCluster ? rt.opts.queues.map((q) => queueKeys(rt.opts.prefix, q).stream) : [undefined];
  await Promise.all(keys.map((k) => rt.conn.send(['CLIENT', 'SETNAME', name], k).catch(() => {})));
}

/**
 * Name the main connection, write the worker's record and publish `jobs` (default: the jobs it serves) to the
 * catalogue: one round trip. Only the record and the catalogue can fail (a refused CLIENT SETNAME is ignored).
 */
export async function announce(
  rt: WorkerDeps,
  kind: WorkerKind,
  staleMs: number,
  jobs: readonly AnyJob[] = servedJobs(rt.opts),
): Promise<void> {
  const { conn, opts, consumer } = rt;
  const now = opts.clock.now();
  await Promise.all([
    nameMain(rt),
    registerWorker(conn, opts.prefix, workerRecord(opts, consumer, kind, staleMs)),
    publishCatalogue(
      conn,
      opts.prefix,
      jobs.map((j) => describeJob(j, consumer, now)),
    ),
  ]);
}

/** Remove the worker's record (at stop); a failure is logged, never thrown. */
export async function withdraw(rt: WorkerDeps): Promise<void> {
  try {
    await forgetWorkers(rt.conn, rt.opts.prefix, [rt.consumer]);
  } catch (err) {
    rt.log.warn({ err }, 'could not remove this worker from the workers list (live workers will)');
  }
}
