/**
 * Priorities and fair groups under faults, 3 worker processes: a backlog of mixed priorities all ready at once
 * is delivered high first (flow-checker.ts `deliveryInversions`), a small group is dispatched while a big one has
 * most of its backlog left (`fairness` over the fair stream's appends), and a worker SIGKILLed while it
 * dispatches and runs grouped jobs loses nothing. Order is the server's (its AOF, written on every command), not
 * the handlers' start times in worker processes, which a busy machine reorders.
 */
import { describe, expect, it } from 'vitest';
import { aofCommands } from '../flow/grants.js';
import { sleep, waitFor } from '../wait.js';
import { appended, deliveryInversions, fairness, firstDeliveries, type Start } from './flow-checker.js';
import { FaultRun } from './harness.js';
import { QUEUE } from './jobs.js';
import { expectSound, log } from './scenario.js';

/** Enqueue `make(i)` for i in [0, count) with at most 64 calls in flight. */
async function backlog(
  run: FaultRun,
  count: number,
  make: (i: number) => Parameters<FaultRun['producer']['enqueue']>[1],
) {
  for (let i = 0; i < count; i += 64) {
    await Promise.all(
      Array.from({ length: Math.min(64, count - i) }, (_, j) => run.producer.enqueue(i + j, make(i + j))),
    );
  }
}

/** Wait until every lane of the queue is empty (stats sum the lanes), then for quiescence; check the run. */
async function settle(run: FaultRun) {
  await waitFor(
    async () => {
      const [st] = await run.ctx.admin.stats(QUEUE);
      return st?.ready === 0 && st.running === 0 && st.delayed === 0;
    },
    'every lane drained',
    90_000,
  );
  await run.observe.quiesce(60_000);
  const r = await run.finish();
  return { r, aof: aofCommands(run.ctx.redis) };
}

describe('fault: flow order (priorities, fair groups)', () => {
  it('a mixed-priority backlog runs high first across 3 workers, with a worker SIGKILL, losing nothing', async () => {
    const concurrency = 4;
    const run = await FaultRun.start({ fsync: 'always', concurrency, log });
    try {
      await run.ctx.admin.pause(QUEUE);
      await backlog(run, 600, (n) => ({ n, ms: 5 + (n % 10), prio: n % 2 === 0 ? 'high' : 'low' }));
      // the SIGKILL comes before the resume: a worker killed while it holds high jobs it has not started gives
      // them back only after its lease, when the live workers may have started low ones (docs/flow-control.md);
      // workers hear the resume at once, so a kill after it would land mid-backlog
      await run.inject.killWorker();
      await sleep(400);
      await run.ctx.admin.resume(QUEUE);
      const { r, aof } = await settle(run);
      expectSound({ ...r }, { faults: 1 });
      const k = run.ctx.admin.keys(QUEUE);
      const lane = (x: string) =>
        x === k.inLane('high').stream ? 'high' : x === k.inLane('low').stream ? 'low' : undefined;
      const p = deliveryInversions(firstDeliveries(aof), lane);
      process.stderr.write(`priorities (deliveries): ${JSON.stringify(p)}\n`);
      expect(p.highs).toBe(300);
      expect(p.lows).toBe(300);
      // a read takes a low job only when no high one is undelivered, in one script (read-lanes), so no low entry
      // is delivered before the last high one
      expect(p.lowsBeforeLastHigh).toBe(0);
    } finally {
      await run.close();
    }
  });

  it('a small group finishes while a big one has most of its backlog left; SIGKILLs during dispatch lose nothing', async () => {
    const concurrency = 4;
    const run = await FaultRun.start({ fsync: 'always', concurrency, log });
    try {
      await run.ctx.admin.pause(QUEUE);
      await backlog(run, 800, (n) => ({ n, ms: 5 + (n % 10), tenant: 'big' }));
      for (let i = 0; i < 20; i++) await run.producer.enqueue(800 + i, { n: 800 + i, ms: 5, tenant: 'small' });
      await run.ctx.admin.resume(QUEUE);
      // SIGKILL a worker three times while grouped jobs are dispatched and run
      for (let k = 0; k < 3; k++) {
        await sleep(300);
        await run.inject.killWorker();
      }
      const { r, aof } = await settle(run);
      expectSound(r, { faults: 3 });
      // the order grouped jobs were dispatched onto the fair stream (a job dispatched again after a retry counts
      // at its first dispatch): the position stands in for the time
      const fair = appended(aof, run.ctx.admin.keys(QUEUE).inLane('fair').stream);
      const dispatched: Start[] = fair.map((x, at) => ({
        ...(JSON.parse(x.data as string) as { n: number; tenant: string }),
        at,
      }));
      const f = fairness(dispatched, 'small', 'big');
      process.stderr.write(`fairness (dispatches): ${JSON.stringify(f)}\n`);
      expect(f).toMatchObject({ smallJobs: 20, bigJobs: 800 });
      // round-robin across the two groups: one big job per small one, give or take the first round
      expect(f.bigStartedWhenSmallDone).toBeLessThanOrEqual(20 + 1);
    } finally {
      await run.close();
    }
  });
});
