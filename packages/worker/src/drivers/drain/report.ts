/**
 * What a drain reports (its result type) and the read-only look at the queues it ends with: how many jobs are
 * left, whether any is still undelivered, and which ready jobs were not started because they do not fit.
 */
import type { QueueKeys } from '@sluice/core';
import { GROUP, isWakeMarker, queueKeys, queueLanes, streamCommands } from '@sluice/core/internal';
import type { WorkerDeps } from '../../worker-deps.js';

const { xinfoGroups, xpending, xrange } = streamCommands;

/**
 * Why a drain returned: `empty` (nothing left to run now), `budget` (the budget is nearly spent, or the jobs left
 * need more time than is left: see `notStarted`), `paused` (the queues not paused are empty; see `paused`), or
 * `signal` (its `signal` was aborted, e.g. SIGTERM).
 */
export type DrainStop = 'empty' | 'budget' | 'paused' | 'signal';

/** Ready jobs of one name a drain did not start because they need more time than was left. */
export interface DrainNotStarted {
  /** Queue they wait in. */
  queue: string;
  /** Job name. */
  job: string;
  /** How many of them (counted among the first {@link NOT_STARTED_SCAN} ready entries of the queue). */
  count: number;
  /** Time one of them may take, in ms: its `timeout`, else the drain's `estimateMs`. */
  costMs: number;
  /** Where `costMs` comes from: the job's `timeout`, or `estimateMs` (no timeout, or no definition here). */
  costFrom: 'timeout' | 'estimate';
}

/** What a drain did. */
export interface DrainResult {
  /** Deliveries finished (succeeded + retried + dead + cancelled). */
  processed: number;
  /** Jobs that succeeded. */
  succeeded: number;
  /** Failed attempts scheduled for a retry. */
  retried: number;
  /** Jobs moved to the dead-letter stream. */
  dead: number;
  /** Running jobs an operator cancelled (`sluice job cancel`). */
  cancelled: number;
  /** Jobs left in the queues at the end: ready, running elsewhere, and delayed (paused queues included). */
  remaining: number;
  /** Why it returned. */
  stoppedBecause: DrainStop;
  /** Time that was left for jobs when it stopped, in ms: budget minus safety margin minus time used (>= 0). */
  leftMs: number;
  /** With `budget`: the ready jobs not started because their cost is over `leftMs` (else empty). */
  notStarted: DrainNotStarted[];
  /** Queues not drained because they are paused (their jobs count in `remaining`). */
  paused: string[];
}

/** Ready entries of a queue looked at to name the jobs a drain did not start. */
export const NOT_STARTED_SCAN = 100;

/** True when any of the queues (key sets of lanes too) has entries nobody has been handed yet (XLEN minus pending). */
export async function undelivered(rt: WorkerDeps, queues: readonly QueueKeys[]): Promise<boolean> {
  for (const keys of queues) {
    const len = Number(await rt.conn.send(['XLEN', keys.stream], keys.stream));
    const pending = (await xpending(rt.conn, keys.stream, GROUP)).count;
    if (len - pending > 0) return true;
    // grouped jobs still waiting for their turn in the fair set (core lanes.ts)
    if (keys.lane === 'fair' && Number(await rt.conn.send(['ZCARD', keys.fair], keys.fair)) > 0) return true;
  }
  return false;
}

/** Jobs in the queues: stream entries (ready or running, of every lane), delayed and grouped jobs waiting. */
export async function countRemaining(rt: WorkerDeps): Promise<number> {
  let n = 0;
  for (const queue of rt.opts.queues) {
    const k = queueKeys(rt.opts.prefix, queue);
    const lanes = await queueLanes(rt.conn, k);
    for (const lk of [k, ...lanes.map((l) => k.inLane(l))]) {
      n += Number(await rt.conn.send(['XLEN', lk.stream], lk.stream));
    }
    n += Number(await rt.conn.send(['ZCARD', k.delayed], k.delayed));
    if (lanes.includes('fair')) n += Number(await rt.conn.send(['ZCARD', k.fair], k.fair));
  }
  return n;
}

/**
 * The ready jobs (not yet delivered to the group) of `queues` whose cost is over `leftMs`, grouped by queue and
 * name; reads at most {@link NOT_STARTED_SCAN} entries per queue and changes nothing.
 */
export async function notStartedJobs(
  rt: WorkerDeps,
  queues: readonly QueueKeys[],
  costOf: (name: string) => Pick<DrainNotStarted, 'costMs' | 'costFrom'>,
  leftMs: number,
): Promise<DrainNotStarted[]> {
  const out: DrainNotStarted[] = [];
  for (const keys of queues) {
    const group = (await xinfoGroups(rt.conn, keys.stream)).find((g) => g.name === GROUP);
    const start = group?.lastDeliveredId ?? '0-0';
    const entries = await xrange(rt.conn, keys.stream, { start, exclusiveStart: true, count: NOT_STARTED_SCAN });
    const byName = new Map<string, DrainNotStarted | null>();
    for (const e of entries) {
      const fields = e.fields ?? {};
      if (isWakeMarker(fields)) continue;
      const job = fields.name ?? '';
      const seen = byName.get(job);
      if (seen !== undefined) {
        if (seen) seen.count++;
        continue;
      }
      const cost = costOf(job);
      byName.set(job, cost.costMs > leftMs ? { queue: keys.queue, job, count: 1, ...cost } : null);
    }
    for (const v of byName.values()) if (v) out.push(v);
  }
  return out;
}
