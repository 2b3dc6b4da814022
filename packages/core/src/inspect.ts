/**
 * The inspector behind `queue stats`: what every queue holds, read in one pipelined round trip per queue.
 * Ready = the group's lag (falling back to XLEN - pending, exact because finished entries are deleted);
 * running = the group's pending count; delayed = ZCARD; dead = XLEN of the dead-letter stream.
 */

import { xinfoConsumers, xinfoGroups } from './commands/xinfo.js';
import { xlen } from './commands/xlen.js';
import { xpendingRange } from './commands/xpending.js';
import { xrange } from './commands/xrange.js';
import type { RedisExecutor } from './connection.js';
import { GROUP, type Lane, type QueueKeys, queueKeys, queuesKey } from './keys.js';
import { type Priority, queueLanes } from './lanes.js';
import { isWakeMarker } from './scripts/index.js';
import { type PresenceContext, presence, presenceContext, queueConnections } from './workers.js';

/** One consumer of a queue's group. */
export interface ConsumerStats {
  /** Consumer name (`host:pid:random`). */
  name: string;
  /** Entries it holds. */
  pending: number;
  /** Milliseconds since it last read or claimed. */
  idleMs: number;
}

/** What a queue holds right now. */
export interface QueueStats {
  /** Queue name. */
  queue: string;
  /** Jobs waiting to be picked up (backlog). */
  ready: number;
  /** Jobs handed to a worker and not finished (the pending list). */
  running: number;
  /** Jobs waiting for a time (delays and retries). */
  delayed: number;
  /** Jobs in the dead-letter stream. */
  dead: number;
  /** Consumers of the group, with what they hold (a crashed worker's stays until its jobs are reclaimed and it is reaped). */
  consumers: ConsumerStats[];
  /** Workers live on the queue: their connections are connected (workers.ts; `listWorkers` lists them). */
  workers: number;
  /** Age in ms of the oldest ready job, or null when none is ready. */
  oldestReadyAgeMs: number | null;
  /** Longest idle time in ms of a running job (of the oldest 100), or null when none runs. */
  oldestRunningIdleMs: number | null;
  /** Whether workers are told not to take new jobs. */
  paused: boolean;
  /**
   * Ready and running jobs by priority (`ready`/`running` above are their sums); only for a queue with lanes
   * (priorities other than normal, or fair groups: grouped jobs count as normal; `waitingInGroups` of them are
   * still in the fair set, counted in `ready`).
   */
  priorities?: { [P in Priority]: { ready: number; running: number } } & { waitingInGroups: number };
  /** Flow-control outcomes counted since the queue began (docs/flow-control.md). */
  flow: FlowCounts;
}

/**
 * Flow-control outcomes of a queue, totals since it began (docs/flow-control.md): `queued` (a start waited for a
 * concurrency slot), `delayed` (a start was moved past the rate limit), `skipped` (enqueues that wrote no job:
 * `debounced` + `throttled`).
 */
export interface FlowCounts {
  queued: number;
  delayed: number;
  skipped: number;
  debounced: number;
  throttled: number;
}

/** The flow counters of an HMGET of queued, delayed, debounced, throttled. */
export function flowCounts(raw: unknown): FlowCounts {
  const [queued, delayed, debounced, throttled] = (Array.isArray(raw) ? raw : []).map((v) => Number(v ?? 0) || 0);
  const d = debounced ?? 0;
  const t = throttled ?? 0;
  return { queued: queued ?? 0, delayed: delayed ?? 0, skipped: d + t, debounced: d, throttled: t };
}

const isNoSuchKey = (e: unknown) => /no such key|ERR no such/i.test(String((e as Error)?.message));

/** Every queue name known under `prefix`, sorted. */
export async function listQueues(exec: RedisExecutor, prefix: string): Promise<string[]> {
  const r = (await exec.send(['SMEMBERS', queuesKey(prefix)], queuesKey(prefix))) as string[];
  return [...r].map(String).sort();
}

/** Stats of one queue (zeros for a queue that does not exist). */
export async function queueStats(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  ctx?: PresenceContext,
): Promise<QueueStats> {
  const k = queueKeys(prefix, queue);
  const c = ctx ?? (await presenceContext(exec, prefix));
  const [groups, consumers, len, delayed, dead, paused, time, pend, wakes, conns, lanes, flow] = await Promise.all([
    xinfoGroups(exec, k.stream).catch((e) => (isNoSuchKey(e) ? [] : Promise.reject(e))),
    xinfoConsumers(exec, k.stream, GROUP).catch(() => []),
    xlen(exec, k.stream),
    exec.send(['ZCARD', k.delayed], k.delayed),
    xlen(exec, k.dead),
    exec.send(['EXISTS', k.paused], k.paused),
    exec.send(['TIME'], k.stream) as Promise<[string, string]>,
    xpendingRange(exec, k.stream, GROUP, { count: 100 }).catch(() => []),
    exec.send(['GET', k.wakes], k.wakes),
    queueConnections(exec, prefix, queue, c),
    queueLanes(exec, k),
    exec.send(['HMGET', k.flow, 'queued', 'delayed', 'debounced', 'throttled'], k.flow),
  ]);
  const nowMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const group = groups.find((g) => g.name === GROUP);
  const running = group?.pending ?? 0;
  // wake markers are entries too, but not jobs: count them out (DESIGN decision in docs/decisions.md)
  const entries = group ? (group.lag ?? Math.max(0, len - running)) : len;
  const ready = Math.max(0, entries - Number(wakes ?? 0));
  let oldestReadyAgeMs: number | null = null;
  if (ready > 0) {
    const start = group ? `(${group.lastDeliveredId}` : '-';
    const first = (await xrange(exec, k.stream, { start, count: 20 })).find((e) => !isWakeMarker(e.fields));
    const ms = first ? Number(first.id.split('-')[0]) : Number.NaN;
    if (Number.isFinite(ms)) oldestReadyAgeMs = Math.max(0, nowMs - ms);
  }
  const byLane = lanes.length ? await laneCounts(exec, k, lanes) : undefined;
  const priorities = byLane && {
    high: byLane.high,
    normal: {
      ready: ready + byLane.fair.ready + byLane.waitingInGroups,
      running: running + byLane.fair.running,
    },
    low: byLane.low,
    waitingInGroups: byLane.waitingInGroups,
  };
  return {
    queue,
    ready: priorities ? priorities.high.ready + priorities.normal.ready + priorities.low.ready : ready,
    running: priorities ? priorities.high.running + priorities.normal.running + priorities.low.running : running,
    delayed: Number(delayed),
    dead,
    consumers: consumers.map((c) => ({ name: c.name, pending: c.pending, idleMs: c.idleMs })),
    workers: presence(queue, conns, c.records, consumers).live.size,
    oldestReadyAgeMs,
    oldestRunningIdleMs: pend.length ? Math.max(...pend.map((p) => p.idleMs)) : null,
    paused: Number(paused) === 1,
    ...(priorities ? { priorities } : {}),
    flow: flowCounts(flow),
  };
}

/** Ready and running entries of one lane's stream (lag, else length - pending). */
async function streamCounts(exec: RedisExecutor, stream: string): Promise<{ ready: number; running: number }> {
  const [groups, len] = await Promise.all([
    xinfoGroups(exec, stream).catch((e) => (isNoSuchKey(e) ? [] : Promise.reject(e))),
    xlen(exec, stream),
  ]);
  const g = groups.find((x) => x.name === GROUP);
  const running = g?.pending ?? 0;
  return { ready: g ? (g.lag ?? Math.max(0, len - running)) : len, running };
}

/** Ready and running jobs of each lane of `k`, and how many grouped jobs wait in the fair set. */
async function laneCounts(exec: RedisExecutor, k: QueueKeys, lanes: readonly Lane[]) {
  const none = { ready: 0, running: 0 };
  const of = (lane: Lane) => (lanes.includes(lane) ? streamCounts(exec, k.inLane(lane).stream) : none);
  const [high, fair, low, waiting] = await Promise.all([
    of('high'),
    of('fair'),
    of('low'),
    lanes.includes('fair') ? exec.send(['ZCARD', k.fair], k.fair) : 0,
  ]);
  return { high, fair, low, waitingInGroups: Number(waiting) };
}

/** Stats of the named queues, or of every known queue. */
export async function stats(exec: RedisExecutor, prefix: string, queues?: readonly string[]): Promise<QueueStats[]> {
  const [names, ctx] = await Promise.all([
    queues?.length ? queues : listQueues(exec, prefix),
    presenceContext(exec, prefix),
  ]);
  return Promise.all(names.map((q) => queueStats(exec, prefix, q, ctx)));
}
