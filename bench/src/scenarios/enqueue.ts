/**
 * Scenario 1 (and the enqueue half of 4): enqueue N jobs one at a time with many in flight, and in batches
 * (raw pipelined XADD, Sluice enqueueMany, BullMQ addBulk), each in a fresh child process on an empty server.
 */
import type { EnqueueResult } from '../child.js';
import type { ImplName } from '../impl/types.js';
import type { Admin } from '../redis.js';
import { type Ctx, rotated } from '../results.js';
import { costPerJob, runChild } from './common.js';

/** Implementations of this scenario: `sluice-timer` shows what the per-command timeout costs. */
export const ENQUEUE_IMPLS: readonly ImplName[] = ['raw', 'sluice', 'sluice-timer', 'bullmq'];
/** Enqueues in flight (`single`) and jobs per call (`batch`). */
export const WINDOW = 1000;

export async function enqueueScenario(ctx: Ctx, admin: Admin, jobs: number): Promise<void> {
  for (const mode of ['single', 'batch'] as const) {
    const scenario = mode === 'single' ? `1. enqueue, ${WINDOW} in flight` : `1. enqueue, batches of ${WINDOW}`;
    for (const impl of rotated(ENQUEUE_IMPLS, ctx.rep)) {
      await admin.reset();
      const before = await admin.snapshot();
      const r = await runChild<EnqueueResult>(
        { role: 'enqueue', impl, url: ctx.url, jobs, mode, window: WINDOW },
        120_000 + jobs,
      );
      const after = await admin.snapshot();
      const cost = costPerJob(before, after, jobs + 1);
      const rate = (r.jobs / r.elapsedMs) * 1000;
      const add = (metric: string, unit: string, better: 'higher' | 'lower', value: number) =>
        ctx.results.add({ scenario, metric, unit, better, impl, rep: ctx.rep, value });
      add('throughput', 'jobs/s', 'higher', rate);
      add('Redis CPU per job', 'us', 'lower', cost.cpuUsPerJob);
      add('commands per job', 'cmds', 'lower', cost.commandsPerJob);
      add('producer CPU per job', 'us', 'lower', r.cpuUsPerJob);
      ctx.results.details.push({ scenario, impl, rep: ctx.rep, ...r, ...cost, producerCpuUsPerJob: r.cpuUsPerJob });
      ctx.log(
        `${scenario} ${impl}: ${Math.round(rate)} jobs/s, ${cost.cpuUsPerJob.toFixed(2)} us Redis CPU/job, ` +
          `producer ${r.cpuUsPerJob.toFixed(2)} us CPU/job`,
      );
    }
  }
}
