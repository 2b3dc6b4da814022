/**
 * Cron scheduler: for every job with a `schedule`, sleep until its next tick, then enqueue that tick with the
 * cron-tick script, which records the last tick per job so N workers enqueue each tick once. Ticks missed
 * while no worker ran are not back-filled: a late wake enqueues only the latest due tick, and a starting
 * worker plans from the next tick. Expressions and time zones are checked when the worker is created.
 */
import { type AnyJob, type Clock, SluiceArgumentError } from '@sluice/core';
import {
  cronParser,
  DEFAULTS,
  encodePayload,
  enqueueCronTick,
  loadCronParser,
  newJobId,
  queueKeys,
  validatePayload,
} from '@sluice/core/internal';
import type { WorkerDeps } from '../worker-deps.js';
import { Outage, sleep, withRetry } from './redis-resilience.js';

/** A checked schedule of one job. */
export interface CronPlan {
  job: AnyJob;
  cron: string;
  tz: string;
  /** The payload as JSON text. */
  data: string;
}

const MAX_TIMER = 2 ** 31 - 1;
/** Shortest life of a job's last-tick record, in ms. */
const MIN_TICK_TTL = 60_000;

/** Throws naming the job and field when the expression or time zone is bad. */
export function checkCron(jobName: string, cron: unknown, tz: unknown): void {
  const where = `job "${jobName}": schedule`;
  if (typeof cron !== 'string' || cron.trim() === '') {
    throw new SluiceArgumentError(`${where}.cron must be a cron expression string; got ${JSON.stringify(cron)}`);
  }
  const fields = cron.trim().split(/\s+/);
  if (!cron.trim().startsWith('@') && fields.length !== 5 && fields.length !== 6) {
    throw new SluiceArgumentError(
      `${where}.cron must have 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); got ${fields.length} in ${JSON.stringify(cron)}`,
    );
  }
  if (typeof tz !== 'string' || tz === '') {
    throw new SluiceArgumentError(
      `${where}.tz must be an IANA time zone like "Europe/Berlin"; got ${JSON.stringify(tz)}`,
    );
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new SluiceArgumentError(
      `${where}.tz ${JSON.stringify(tz)} is not a known IANA time zone (e.g. "UTC", "Europe/Berlin")`,
    );
  }
  try {
    cronParser().parse(cron, { currentDate: new Date(), tz }).next();
  } catch (e) {
    throw new SluiceArgumentError(`${where}.cron ${JSON.stringify(cron)} is invalid: ${(e as Error).message}`);
  }
}

/** Check every job's schedule (expression, time zone, payload against the schema and `maxPayloadBytes`, default 1 MiB). */
export async function planSchedules(
  jobs: Iterable<AnyJob>,
  maxPayloadBytes: number = DEFAULTS.maxPayloadBytes,
): Promise<CronPlan[]> {
  const plans: CronPlan[] = [];
  const all = [...jobs];
  if (all.some((j) => j.schedule)) await loadCronParser();
  for (const job of all) {
    const s = job.schedule;
    if (!s) continue;
    const tz = s.tz ?? 'UTC';
    checkCron(job.name, s.cron, tz);
    const payload = s.payload ?? {};
    try {
      await validatePayload(job.name, job.schema, payload);
      plans.push({ job, cron: s.cron, tz, data: encodePayload(job.name, payload, maxPayloadBytes) });
    } catch (e) {
      throw new SluiceArgumentError(`job "${job.name}": schedule.payload is invalid: ${(e as Error).message}`);
    }
  }
  return plans;
}

/** The first tick strictly after `afterMs` (epoch ms). */
export function nextTick(plan: Pick<CronPlan, 'cron' | 'tz'>, afterMs: number): number {
  return cronParser()
    .parse(plan.cron, { currentDate: new Date(afterMs), tz: plan.tz })
    .next()
    .getTime();
}

/** The latest tick at or before `nowMs`. */
export function latestDueTick(plan: Pick<CronPlan, 'cron' | 'tz'>, nowMs: number): number {
  return cronParser()
    .parse(plan.cron, { currentDate: new Date(nowMs + 1), tz: plan.tz })
    .prev()
    .getTime();
}

/** How long the last-tick record of `tick` lives: two periods, at least a minute. */
export function tickTtl(plan: Pick<CronPlan, 'cron' | 'tz'>, tick: number): number {
  return Math.max(MIN_TICK_TTL, 2 * (nextTick(plan, tick) - tick));
}

/** What to do at `nowMs` when the planned tick was `planned`: the tick to enqueue, or wait longer. */
export function dueAction(
  plan: Pick<CronPlan, 'cron' | 'tz'>,
  planned: number,
  nowMs: number,
): { enqueue: number } | { waitMs: number } {
  if (nowMs < planned) return { waitMs: planned - nowMs };
  return { enqueue: latestDueTick(plan, nowMs) };
}

/** Runs every schedule of this worker. */
export class Scheduler {
  private loops: Promise<void>[] = [];

  constructor(
    private readonly rt: WorkerDeps,
    private readonly plans: readonly CronPlan[],
  ) {}

  /** Start one loop per schedule. */
  start(): void {
    this.loops = this.plans.map((p) => this.run(p, this.rt.opts.clock));
  }

  /** Resolves when every loop has ended (after stop() began). */
  async stopped(): Promise<void> {
    await Promise.all(this.loops);
  }

  private async run(plan: CronPlan, clock: Clock): Promise<void> {
    const { stopping, conn, opts } = this.rt;
    const keys = queueKeys(opts.prefix, plan.job.queue);
    const log = this.rt.log.child({ queue: plan.job.queue, job: plan.job.name });
    const outage = new Outage(log, `enqueueing cron ticks of job "${plan.job.name}"`);
    let planned = nextTick(plan, clock.now());
    while (!stopping.aborted) {
      const act = dueAction(plan, planned, clock.now());
      if ('waitMs' in act) {
        await sleep(Math.min(act.waitMs, MAX_TIMER), stopping);
        continue;
      }
      const tick = act.enqueue;
      try {
        const env = { id: newJobId(), name: plan.job.name, data: plan.data, attempt: 1, enqueuedAt: tick };
        const added = await withRetry(() => enqueueCronTick(conn, keys, tick, tickTtl(plan, tick), env), 8, stopping);
        outage.ok();
        if (added) log.debug({ tick: new Date(tick).toISOString(), jobId: env.id }, 'cron tick enqueued');
      } catch (err) {
        if (stopping.aborted) break;
        outage.fail(err);
      }
      planned = nextTick(plan, tick);
    }
  }
}
