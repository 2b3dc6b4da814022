/**
 * The worker on a 3-master Redis Cluster: jobs of queues on every master run, retry and dead-letter unchanged;
 * the CLI's stats work against the cluster; a live slot migration of a busy queue loses no job.
 */
import { statsCommand } from '@sluice/cli';
import { defineJob, UnrecoverableError } from '@sluice/core';
import type { createWorker, Worker } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../helpers.js';
import { useCluster } from './fixture.js';
import { migrateSlot, slotOwner } from './slots.js';

const fx = useCluster();

async function startWorker(jobs: Parameters<typeof createWorker>[0]['jobs'], queues: string[]): Promise<Worker> {
  const w = await fx.worker({
    jobs,
    queues,
    lease: 1000,
    blockMs: 1000,
    shutdownGrace: 1000,
  });
  await w.start();
  return w;
}

describe('worker on Redis Cluster', () => {
  it('runs, retries and dead-letters jobs of queues on every master; CLI stats agree', async () => {
    const done = new Set<string>();
    const flaky = new Set<string>();
    const job = defineJob({
      name: 'work',
      retry: { attempts: 3, backoff: { type: 'fixed', delay: 20 } },
      handler: async (p: { q: string; i: number; mode?: 'flaky' | 'fatal' }, ctx) => {
        const id = `${p.q}/${p.i}`;
        if (p.mode === 'fatal') throw new UnrecoverableError(`fatal ${id}`);
        if (p.mode === 'flaky' && ctx.attempt === 1) {
          flaky.add(id);
          throw new Error(`flaky ${id}`);
        }
        done.add(id);
      },
    });
    const queues = Array.from({ length: 6 }, (_, i) => `cq${i}`);
    const masters = new Set(await Promise.all(queues.map((q) => slotOwner(fx.cluster, fx.sluice.keys(q).stream))));
    expect(masters.size).toBeGreaterThan(1);
    await startWorker([job], queues);
    for (const q of queues) {
      await fx.sluice.enqueueMany(
        job,
        Array.from({ length: 20 }, (_, i) => ({ q, i })),
        { queue: q },
      );
      await fx.sluice.enqueue(job, { q, i: 100, mode: 'flaky' }, { queue: q });
      await fx.sluice.enqueue(job, { q, i: 101, mode: 'fatal' }, { queue: q });
      await fx.sluice.enqueue(job, { q, i: 102 }, { queue: q, delay: 300 });
    }
    await waitFor(() => done.size === queues.length * 22, 'every job on every queue', 20_000);
    expect(flaky.size).toBe(queues.length);
    const stats = await waitFor(async () => {
      const s = await fx.sluice.stats(queues);
      return s.every((x) => x.ready === 0 && x.running === 0 && x.delayed === 0) ? s : undefined;
    }, 'quiet queues');
    expect(stats.map((s) => s.dead)).toEqual(queues.map(() => 1));
    const out: string[] = [];
    const code = await statsCommand(
      {
        redisCluster: fx.cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
        prefix: fx.prefix,
        queues,
        json: true,
      },
      { out: (l) => out.push(l), err: () => {} },
    ).catch((e: { code?: number }) => e.code ?? 2);
    expect(code === undefined || code === 0).toBe(true);
    const report = JSON.parse(out.join('\n')) as { queues: Array<{ queue: string; dead: number; ready: number }> };
    expect(report.queues.map((q) => [q.queue, q.ready, q.dead])).toEqual(queues.map((q) => [q, 0, 1]));
  });

  it('loses no job while the queue slot migrates to another master', async () => {
    const queue = 'moving';
    const seen = new Set<number>();
    let runs = 0;
    const job = defineJob({
      name: 'move',
      queue,
      handler: async (p: { i: number }) => {
        runs++;
        seen.add(p.i);
      },
    });
    await startWorker([job], [queue]);
    const acked: number[] = [];
    let stop = false;
    const produce = (async () => {
      for (let i = 0; i < 5000 && !stop; i++) {
        for (let tries = 0; tries < 50; tries++) {
          try {
            await fx.sluice.enqueue(job, { i }, { key: `m-${i}` });
            acked.push(i);
            break;
          } catch {
            await sleep(50); // back off before retrying the same key
          }
        }
        if (i % 20 === 0) await sleep(2); // pacing of the load
      }
    })();
    await waitFor(() => acked.length > 200, 'some jobs enqueued');
    const before = acked.length;
    const moved = await migrateSlot(fx.cluster, fx.sluice.keys(queue).stream);
    const during = acked.length - before;
    await waitFor(() => acked.length > before + during + 200 || acked.length >= 5000, 'jobs after the move', 20_000);
    stop = true;
    await produce;
    expect(moved.from).not.toBe(moved.to);
    expect(await slotOwner(fx.cluster, fx.sluice.keys(queue).stream)).toBe(moved.to);
    await waitFor(() => acked.every((i) => seen.has(i)), 'every acknowledged job done', 30_000);
    const [s] = await waitFor(async () => {
      const st = await fx.sluice.stats(queue);
      return st[0]?.ready === 0 && st[0].running === 0 ? st : undefined;
    }, 'quiet queue');
    expect(s?.dead).toBe(0);
    console.log(
      `[cluster] slot migration (${moved.keys} keys, ${during} enqueues during it): ${acked.length} jobs acknowledged, ${seen.size} done, ${runs - seen.size} duplicates`,
    );
  });
});
