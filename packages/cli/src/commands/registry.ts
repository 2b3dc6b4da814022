/**
 * `sluice worker ls`, `sluice schedule ls` and `sluice schedule run`: the live workers and the cron jobs, read from
 * what workers published (core's listWorkers, listSchedules, runSchedule). Everything shown came from Redis and is
 * escaped by the output sink.
 */
import type { LiveWorker, ScheduleInfo } from '@sluice/core';
import { assertJobName, assertQueueName } from '@sluice/core/internal';
import { type ConnectOptions, withSluice } from '../connect.js';
import { EXIT, ExitError, usageError } from '../errors.js';
import { age, json, type Output, table } from '../output.js';

/** Options of the list commands. */
export interface RegistryListOptions extends ConnectOptions {
  /** Only those of this queue (default: every queue). */
  queue?: string | undefined;
  /** Print JSON instead of a table (default false). */
  json?: boolean | undefined;
}

/** Options of {@link scheduleRunCommand}. */
export interface ScheduleRunOptions extends ConnectOptions {
  /** The cron job's queue. */
  queue: string;
  /** The cron job's name. */
  name: string;
  /** Print JSON `{ queue, name, id }` (default false). */
  json?: boolean | undefined;
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** The `worker ls` table (pure; `now` is epoch ms). */
export function workerTable(ws: readonly LiveWorker[], now: number): string[] {
  return table(
    [
      { header: 'CONSUMER' },
      { header: 'KIND' },
      { header: 'HOST' },
      { header: 'PID', align: 'right' },
      { header: 'VERSION' },
      { header: 'QUEUES' },
      { header: 'CONCURRENCY', align: 'right' },
      { header: 'IN FLIGHT', align: 'right' },
      { header: 'UP', align: 'right' },
      { header: 'LAST SEEN', align: 'right' },
    ],
    ws.map((w) => [
      w.consumer,
      w.kind,
      w.host,
      String(w.pid),
      w.version,
      w.queues.join(',') || '-',
      String(w.concurrency),
      String(w.inFlight),
      age(Math.max(0, now - w.startedAt)),
      `${age(w.lastSeenMs)} ago`,
    ]),
  );
}

/** The `schedule ls` table (pure). */
export function scheduleTable(ss: readonly ScheduleInfo[]): string[] {
  return table(
    [
      { header: 'QUEUE' },
      { header: 'NAME' },
      { header: 'CRON' },
      { header: 'TZ' },
      { header: 'LAST TICK' },
      { header: 'NEXT RUN' },
    ],
    ss.map((s) => [
      s.queue,
      s.name,
      s.cron,
      s.tz,
      iso(s.lastTickAt),
      s.nextRunAt === null ? `- (${s.error})` : iso(s.nextRunAt),
    ]),
  );
}

const checkQueue = (q: string | undefined) => q === undefined || assertQueueName(q, '--queue');

/** List the live workers, drains and push dispatchers (exit 0 even when there are none). */
export async function workerListCommand(opts: RegistryListOptions, io: Output): Promise<void> {
  checkQueue(opts.queue);
  const ws = await withSluice(opts, (s) => s.listWorkers(opts.queue));
  if (opts.json) return io.out(json(ws));
  if (ws.length === 0) return io.out(`no live workers${opts.queue ? ` on queue ${opts.queue}` : ''}`);
  for (const line of workerTable(ws, Date.now())) io.out(line);
}

/** List the cron jobs workers published, with last tick and next run. */
export async function scheduleListCommand(opts: RegistryListOptions, io: Output): Promise<void> {
  checkQueue(opts.queue);
  const ss = await withSluice(opts, (s) => s.listSchedules(opts.queue));
  if (opts.json) return io.out(json(ss));
  if (ss.length === 0) return io.out('no schedules (workers publish the cron jobs they run when they start)');
  for (const line of scheduleTable(ss)) io.out(line);
}

/** Enqueue a cron job now, leaving its regular ticks as they are; prints the job id. Exit 1 when there is no such schedule. */
export async function scheduleRunCommand(opts: ScheduleRunOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  try {
    assertJobName(opts.name, 'name argument');
  } catch (e) {
    throw usageError((e as Error).message);
  }
  const r = await withSluice(opts, async (s) => {
    const done = await s.runSchedule(opts.queue, opts.name);
    if (done) return done;
    const known = (await s.listSchedules(opts.queue)).map((x) => JSON.stringify(x.name));
    throw new ExitError(
      `no schedule ${JSON.stringify(opts.name)} on queue ${opts.queue} (${known.length ? `its schedules: ${known.join(', ')}` : 'it has none'}); see sluice schedule ls`,
      EXIT.failed,
    );
  });
  if (opts.json) io.out(json({ queue: opts.queue, name: opts.name, id: r.id }));
  else io.out(r.id);
}
