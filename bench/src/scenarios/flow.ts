/**
 * Flow control (docs/flow-control.md): drain N pre-enqueued jobs with one worker process at concurrency C, for
 * plain Sluice, per-key concurrency 1 over 1,000 keys (`sluice-perkey`) and a global rate limit of 2,000
 * starts/s (`sluice-rate`, whose N is capped so a run lasts about 10 s). Measures throughput, Redis CPU and
 * commands per job, as the process scenario does.
 */
import type { EnqueueResult, ProcessResult } from '../child.js';
import { FLOW_RATE, type ImplName } from '../impl/types.js';
import type { Admin } from '../redis.js';
import { type Ctx, rotated } from '../results.js';
import { costPerJob, runChild } from './common.js';
import { WINDOW } from './enqueue.js';

const IMPLS: readonly ImplName[] = ['sluice', 'sluice-perkey', 'sluice-rate'];

export async function flowScenario(ctx: Ctx, admin: Admin, jobs: number, concurrency: number): Promise<void> {
  const scenario = `7. flow control, concurrency ${concurrency}`;
  for (const impl of rotated(IMPLS, ctx.rep)) {
    const n = impl === 'sluice-rate' ? Math.min(jobs, FLOW_RATE * 10) : jobs;
    await admin.reset();
    await runChild<EnqueueResult>(
      { role: 'enqueue', impl, url: ctx.url, jobs: n, mode: 'batch', window: WINDOW },
      300_000,
    );
    const filled = await admin.snapshot();
    const r = await runChild<ProcessResult>(
      { role: 'process', impl, url: ctx.url, jobs: n + 1, concurrency },
      120_000 + n,
    );
    const after = await admin.snapshot();
    const cost = costPerJob(filled, after, r.handled);
    const rate = (r.handled / r.elapsedMs) * 1000;
    const add = (metric: string, unit: string, better: 'higher' | 'lower', value: number) =>
      ctx.results.add({ scenario, metric, unit, better, impl, rep: ctx.rep, value });
    add('throughput', 'jobs/s', 'higher', rate);
    add('Redis CPU per job', 'us', 'lower', cost.cpuUsPerJob);
    add('commands per job', 'cmds', 'lower', cost.commandsPerJob);
    ctx.results.details.push({ scenario, impl, rep: ctx.rep, ...r, ...cost });
    ctx.log(
      `${scenario} ${impl}: ${Math.round(rate)} jobs/s, ${cost.cpuUsPerJob.toFixed(2)} us/job, ` +
        `${cost.commandsPerJob.toFixed(2)} cmds/job`,
    );
  }
}
