/** `sluice queue stats [queue...]`: the backlog of every queue, with thresholds for CI and alerting, and `--watch`. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueStats, Sluice } from '@sluice/core';
import { assertKnownQueue, type ConnectOptions, withSluice } from '../connect.js';
import { EXIT, ExitError } from '../errors.js';
import { age, json, type Output, table } from '../output.js';
import { parseCount, parseDurationFlag } from '../parse.js';
import {
  type Breach,
  evaluateThresholds,
  formatBreach,
  parseThresholds,
  type ThresholdFlags,
  type Thresholds,
} from '../thresholds.js';

/** Options of {@link statsCommand}. */
export interface StatsCommandOptions extends ConnectOptions, ThresholdFlags {
  /** Queues to show (default: every known queue); an unknown one is a usage error naming the known ones. */
  queues?: readonly string[] | undefined;
  /** Print the documented JSON shape ({@link StatsReport}) instead of a table (default false). */
  json?: boolean | undefined;
  /** Refresh every interval: `true` for 2s, or a duration like `5s` (default: print once). */
  watch?: boolean | string | undefined;
  /** With `watch`, stop after this many refreshes (default: until `signal` aborts, e.g. on SIGINT). */
  iterations?: number | string | undefined;
  /** Stops `watch` (default: none). */
  signal?: AbortSignal | undefined;
}

/** Default refresh interval of `--watch`, in ms. */
export const DEFAULT_WATCH_MS = 2000;

/** One queue in the JSON of `queue stats --json` (shape version 1). */
export interface QueueStatsJson {
  /** Queue name. */
  queue: string;
  /** Jobs waiting to be picked up (backlog). */
  ready: number;
  /** Jobs handed to a worker and not finished (XPENDING). */
  running: number;
  /** Jobs waiting for a time (delays and retries). */
  delayed: number;
  /** Jobs in the dead-letter stream. */
  dead: number;
  /** Whether the queue is paused. */
  paused: boolean;
  /** Age in ms of the oldest ready job; null when none is ready. */
  oldestReadyAgeMs: number | null;
  /** Longest idle time in ms of a running job; null when none runs. */
  oldestRunningIdleMs: number | null;
  /** Each consumer of the group: its name, the jobs it holds, ms since it last read. */
  consumers: { name: string; pending: number; idleMs: number }[];
  /** Workers live on the queue (seen within their stale time; `sluice worker ls` lists them). */
  workers: number;
  /**
   * Flow-control outcomes since the queue began (docs/flow-control.md): starts that waited for a concurrency slot
   * (`queued`), starts moved past a rate limit (`delayed`), enqueues that wrote no job (`skipped` = `debounced` +
   * `throttled`).
   */
  flow: { queued: number; delayed: number; skipped: number; debounced: number; throttled: number };
}

/** The JSON printed by `queue stats --json` (documented in the CLI README; `version` changes if it ever breaks). */
export interface StatsReport {
  /** Shape version (1). */
  version: 1;
  /** ISO time the figures were read (local clock). */
  time: string;
  /** The key prefix. */
  prefix: string;
  /** One entry per queue. */
  queues: QueueStatsJson[];
  /** Every exceeded threshold. */
  breaches: Breach[];
  /** True when no threshold is exceeded. */
  ok: boolean;
}

/** The stable JSON of one queue (fields listed explicitly so the shape does not drift with core). */
export function queueJson(s: QueueStats): QueueStatsJson {
  return {
    queue: s.queue,
    ready: s.ready,
    running: s.running,
    delayed: s.delayed,
    dead: s.dead,
    paused: s.paused,
    oldestReadyAgeMs: s.oldestReadyAgeMs,
    oldestRunningIdleMs: s.oldestRunningIdleMs,
    consumers: s.consumers.map((c) => ({ name: c.name, pending: c.pending, idleMs: c.idleMs })),
    workers: s.workers,
    flow: {
      queued: s.flow.queued,
      delayed: s.flow.delayed,
      skipped: s.flow.skipped,
      debounced: s.flow.debounced,
      throttled: s.flow.throttled,
    },
  };
}

/**
 * The stats table: one row per queue, counts right-aligned, ages humanised (`3m12s`); when a queue has
 * flow-control outcomes, three more columns count them (QUEUED, RATE DELAYED, SKIPPED; docs/flow-control.md).
 */
export function statsTable(stats: readonly QueueStatsJson[]): string[] {
  const flow = stats.some((s) => s.flow && s.flow.queued + s.flow.delayed + s.flow.skipped > 0);
  const base = [
    { header: 'QUEUE' },
    { header: 'READY', align: 'right' },
    { header: 'RUNNING', align: 'right' },
    { header: 'DELAYED', align: 'right' },
    { header: 'DEAD', align: 'right' },
    { header: 'WORKERS', align: 'right' },
    { header: 'OLDEST READY', align: 'right' },
    { header: 'OLDEST RUNNING', align: 'right' },
    { header: 'PAUSED' },
  ] as const;
  const more = [
    { header: 'QUEUED', align: 'right' },
    { header: 'RATE DELAYED', align: 'right' },
    { header: 'SKIPPED', align: 'right' },
  ] as const;
  const cols = flow ? [...base, ...more] : base;
  const rows = stats.map((s) => [
    s.queue,
    String(s.ready),
    String(s.running),
    String(s.delayed),
    String(s.dead),
    String(s.workers),
    age(s.oldestReadyAgeMs),
    age(s.oldestRunningIdleMs),
    s.paused ? 'yes' : 'no',
    ...(flow ? [String(s.flow.queued), String(s.flow.delayed), String(s.flow.skipped)] : []),
  ]);
  return table(cols, rows);
}

function watchInterval(watch: boolean | string | undefined): number | undefined {
  if (watch === undefined || watch === false) return undefined;
  if (watch === true) return DEFAULT_WATCH_MS;
  const ms = parseDurationFlag(watch, '--watch');
  if (ms < 100) throw new ExitError(`--watch expects an interval of at least 100ms; got ${JSON.stringify(watch)}`);
  return ms;
}

async function snapshot(sluice: Sluice, queues: readonly string[] | undefined, t: Thresholds): Promise<StatsReport> {
  const stats = await sluice.stats(queues?.length ? queues : undefined);
  const breaches = evaluateThresholds(stats, t);
  return {
    version: 1,
    time: new Date().toISOString(),
    prefix: sluice.prefix,
    queues: stats.map(queueJson),
    breaches,
    ok: breaches.length === 0,
  };
}

function print(report: StatsReport, opts: StatsCommandOptions, io: Output, watching: number | undefined): void {
  if (opts.json) io.out(watching === undefined ? json(report) : JSON.stringify(report));
  else {
    if (watching !== undefined) {
      io.clear?.();
      io.out(`every ${age(watching)}, ${report.time} (prefix ${report.prefix}; Ctrl-C to stop)`);
    }
    if (report.queues.length === 0) io.out(`no queues under prefix "${report.prefix}"`);
    else for (const line of statsTable(report.queues)) io.out(line);
  }
  for (const b of report.breaches) io.err(formatBreach(b));
}

/**
 * Print the stats of the queues, once or every `watch` interval. Throws an {@link ExitError} with code 1 (and no
 * message: each breach is already on stderr) when the last figures read exceed a threshold.
 */
export async function statsCommand(opts: StatsCommandOptions, io: Output): Promise<void> {
  const t = parseThresholds(opts);
  const every = watchInterval(opts.watch);
  const iterations = opts.iterations === undefined ? undefined : parseCount(opts.iterations, '--watch-count', 1);
  const last = await withSluice(opts, async (sluice) => {
    if (opts.queues?.length) await assertKnownQueue(sluice, opts.queues);
    let report = await snapshot(sluice, opts.queues, t);
    print(report, opts, io, every);
    for (let n = 1; every !== undefined && (iterations === undefined || n < iterations); n++) {
      if (opts.signal?.aborted) break;
      try {
        await sleep(every, undefined, opts.signal ? { signal: opts.signal } : {});
      } catch {
        break; // aborted (SIGINT)
      }
      report = await snapshot(sluice, opts.queues, t);
      print(report, opts, io, every);
    }
    return report;
  });
  if (!last.ok) throw new ExitError('', EXIT.failed);
}
