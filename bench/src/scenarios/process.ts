/**
 * Scenarios 2, 4, 6: drain N pre-enqueued jobs with one worker process at each concurrency. Measures
 * throughput, Redis CPU and commands per processed job (INFO cpu / commandstats over the worker's life),
 * Redis used_memory after the drain against the empty server before the enqueue, and the worker's RSS.
 */
import type { EnqueueResult, ProcessResult } from '../child.js';
import type { ImplName } from '../impl/types.js';
import type { Admin } from '../redis.js';
import { type Ctx, rotated } from '../results.js';
import { costPerJob, runChild } from './common.js';
import { WINDOW } from './enqueue.js';

const IMPLS: readonly ImplName[] = ['raw', 'sluice', 'bullmq'];

export async function processScenario(
  ctx: Ctx,
  admin: Admin,
  jobs: number,
  concurrencies: number[],
  only?: readonly string[],
): Promise<void> {
  const top = Math.max(...concurrencies);
  for (const c of concurrencies) {
    const scenario = `2. process, concurrency ${c}`;
    const all: readonly ImplName[] =
      c === top ? [...IMPLS, 'sluice-timer' as const, 'sluice-metrics' as const, 'sluice-otel' as const] : IMPLS;
    const impls = only ? all.filter((i) => only.includes(i)) : all;
    for (const impl of rotated(impls, ctx.rep)) {
      await admin.reset();
      const base = await admin.memory();
      await runChild<EnqueueResult>(
        { role: 'enqueue', impl, url: ctx.url, jobs, mode: 'batch', window: WINDOW },
        300_000,
      );
      const filled = await admin.snapshot();
      // Bounded: BullMQ at concurrency 1 drains ~3.5k jobs/s; allow 1k/s plus start-up.
      const r = await runChild<ProcessResult>(
        { role: 'process', impl, url: ctx.url, jobs: jobs + 1, concurrency: c },
        60_000 + jobs,
      );
      const after = await admin.snapshot();
      const memAfter = await admin.memory();
      const cost = costPerJob(filled, after, r.handled);
      const rate = (r.handled / r.elapsedMs) * 1000;
      const memDelta = memAfter - base;
      const add = (metric: string, unit: string, better: 'higher' | 'lower', value: number) =>
        ctx.results.add({ scenario, metric, unit, better, impl, rep: ctx.rep, value });
      add('throughput', 'jobs/s', 'higher', rate);
      add('Redis CPU per job', 'us', 'lower', cost.cpuUsPerJob);
      add('commands per job', 'cmds', 'lower', cost.commandsPerJob);
      add('Redis memory after - before', 'KiB', 'lower', memDelta / 1024);
      add('Redis memory after / before', '%', 'lower', (memAfter / base) * 100);
      add('worker peak RSS', 'MiB', 'lower', r.rssPeak / 2 ** 20);
      add('worker CPU per job', 'us', 'lower', r.cpuUsPerJob);
      ctx.results.details.push({
        scenario,
        impl,
        rep: ctx.rep,
        ...r,
        ...cost,
        usedMemoryBefore: base,
        usedMemoryFilled: filled.usedMemory,
        usedMemoryAfter: memAfter,
        keysAfter: await admin.dbsize(),
      });
      ctx.log(
        `${scenario} ${impl}: ${Math.round(rate)} jobs/s, ${cost.cpuUsPerJob.toFixed(2)} us/job, ` +
          `${cost.commandsPerJob.toFixed(2)} cmds/job, worker ${r.cpuUsPerJob.toFixed(2)} us CPU/job, memory ${memDelta >= 0 ? '+' : ''}${memDelta} B`,
      );
    }
  }
}
