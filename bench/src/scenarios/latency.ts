/**
 * Scenario 3: enqueue -> handler-start latency with the producer and the worker in separate processes, the
 * producer sending one job at a time at a steady rate. The first second of jobs is warm-up and not counted.
 * Both processes read the same wall clock (performance.timeOrigin + performance.now()).
 */
import type { LatencyResult, ProducerResult } from '../child.js';
import type { ImplName } from '../impl/types.js';
import type { Admin } from '../redis.js';
import { type Ctx, rotated } from '../results.js';
import { Child } from '../spawn.js';

const IMPLS: readonly ImplName[] = ['raw', 'sluice', 'bullmq'];
/** Worker concurrency of the latency runs. */
const CONCURRENCY = 10;

export async function latencyScenario(
  ctx: Ctx,
  admin: Admin,
  rates: number[],
  seconds: number,
  only?: readonly string[],
): Promise<void> {
  const impls = only ? IMPLS.filter((i) => only.includes(i)) : IMPLS;
  for (const rate of rates) {
    const scenario = `3. latency at ${rate} jobs/s`;
    for (const impl of rotated(impls, ctx.rep)) {
      await admin.reset();
      const jobs = rate * (seconds + 1);
      const worker = new Child({
        role: 'latency-worker',
        impl,
        url: ctx.url,
        jobs,
        warmup: rate,
        concurrency: CONCURRENCY,
      });
      const producer = new Child({ role: 'latency-producer', impl, url: ctx.url, jobs, rate });
      try {
        await worker.next('ready', 60_000);
        await producer.next('ready', 60_000);
        producer.send({ type: 'go' });
        const budget = (seconds + 1) * 1000 * 3 + 30_000;
        const sent = (await producer.next('result', budget)).data as ProducerResult;
        const lat = (await worker.next('result', 30_000)).data as LatencyResult;
        await Promise.all([producer.exit(), worker.exit()]);
        for (const [metric, value] of [
          ['p50', lat.p50],
          ['p99', lat.p99],
          ['max', lat.max],
        ] as const) {
          ctx.results.add({ scenario, metric, unit: 'ms', better: 'lower', impl, rep: ctx.rep, value });
        }
        ctx.results.details.push({ scenario, impl, rep: ctx.rep, ...lat, achievedRate: sent.sent / sent.seconds });
        ctx.log(
          `${scenario} ${impl}: p50 ${lat.p50.toFixed(3)} p99 ${lat.p99.toFixed(3)} max ${lat.max.toFixed(2)} ms ` +
            `(${lat.n} samples, ${(sent.sent / sent.seconds).toFixed(0)} jobs/s sent)`,
        );
      } finally {
        producer.kill();
        worker.kill();
      }
    }
  }
}
