/**
 * Schedules: the cron jobs the catalogue holds, with their last tick (the `cron(job)` record the cron-tick script
 * writes) and their next run (cron-parser, in the schedule's time zone); and running one now, as a plain enqueue
 * of its payload that leaves the tick record, so the regular ticks go on as before.
 */
import { type CatalogueEntry, listCatalogue } from './catalogue.js';
import type { RedisExecutor } from './connection.js';
import { cronParser, loadCronParser } from './cron-parser.js';
import type { EnqueueResult } from './define-job.js';
import { type EnqueueContext, enqueue } from './enqueue.js';
import { queueKeys } from './keys.js';

/** One cron job. */
export interface ScheduleInfo {
  /** Job name. */
  name: string;
  /** Queue its runs go to. */
  queue: string;
  /** Cron pattern (five fields, or six with seconds first). */
  cron: string;
  /** IANA time zone. */
  tz: string;
  /** Payload of every run. */
  payload: unknown;
  /** When the last tick was enqueued (epoch ms), or null when none is recorded (never, or expired). */
  lastTickAt: number | null;
  /** When the next tick is due (epoch ms), or null when the pattern or zone does not parse (see `error`). */
  nextRunAt: number | null;
  /** Why `nextRunAt` is null, if it is. */
  error?: string;
}

/**
 * The next tick of `cron` in `tz` after `afterMs` (epoch ms), or an error message (pure but for the clock given).
 * Needs cron-parser loaded (`loadCronParser`; listSchedules does it).
 */
export function nextRun(cron: string, tz: string, afterMs: number): number | { error: string } {
  try {
    return cronParser()
      .parse(cron, { currentDate: new Date(afterMs), tz })
      .next()
      .getTime();
  } catch (e) {
    return { error: `cron ${JSON.stringify(cron)} in ${JSON.stringify(tz)} does not parse: ${(e as Error).message}` };
  }
}

/** Every cron job of the catalogue of `prefix` (optionally of one queue), by name, with last and next tick. */
export async function listSchedules(
  exec: RedisExecutor,
  prefix: string,
  queue?: string,
  nowMs: number = Date.now(),
): Promise<ScheduleInfo[]> {
  const entries = (await listCatalogue(exec, prefix, queue)).filter(
    (e): e is CatalogueEntry & { schedule: NonNullable<CatalogueEntry['schedule']> } => e.schedule !== null,
  );
  if (entries.length > 0) await loadCronParser();
  const ticks = await Promise.all(
    entries.map((e) => {
      const key = queueKeys(prefix, e.queue).cron(e.name);
      return exec.send(['GET', key], key);
    }),
  );
  return entries.map((e, i) => {
    const last = Number(ticks[i] ?? Number.NaN);
    const next = nextRun(e.schedule.cron, e.schedule.tz, nowMs);
    return {
      name: e.name,
      queue: e.queue,
      cron: e.schedule.cron,
      tz: e.schedule.tz,
      payload: e.schedule.payload,
      lastTickAt: Number.isFinite(last) ? last : null,
      nextRunAt: typeof next === 'number' ? next : null,
      ...(typeof next === 'number' ? {} : { error: next.error }),
    };
  });
}

/**
 * Run the cron job `name` of `queue` now: enqueue its schedule's payload (the tick record is left alone, so the
 * next regular tick still comes). Null when the catalogue has no such schedule.
 */
export async function runSchedule(ctx: EnqueueContext, queue: string, name: string): Promise<EnqueueResult | null> {
  const entry = (await listCatalogue(ctx.exec, ctx.prefix, queue)).find((e) => e.name === name && e.schedule);
  if (!entry?.schedule) return null;
  return enqueue(ctx, name, entry.schedule.payload, { queue });
}
