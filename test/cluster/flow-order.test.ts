/**
 * Priorities and fair groups on a 3-master Redis Cluster: the lane scripts (enqueue-lane, read-lanes, and the
 * lane-aware promote-due, redrive, remove-job, promote-job, empty-queue) run on each queue's slot; a worker serves
 * queues on several masters high first and groups round-robin.
 */
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { useCluster } from './fixture.js';

const fx = useCluster();

type P = { q: string; k: string };

describe('priorities and fair groups on Redis Cluster', () => {
  it('runs each queue high first and its groups round-robin, on queues spread over the masters', async () => {
    const queues = Array.from({ length: 6 }, (_, i) => `fo${i}`);
    const slots = new Set<string>();
    for (const q of queues)
      slots.add(String(await fx.sluice.connection.send(['CLUSTER', 'KEYSLOT', fx.sluice.keys(q).stream])));
    expect(slots.size).toBeGreaterThan(1);
    const ran = new Map<string, string[]>();
    const job = defineJob({
      name: 'fo',
      handler: (p: P) => {
        ran.set(p.q, [...(ran.get(p.q) ?? []), p.k]);
      },
    });
    for (const q of queues) {
      await fx.sluice.enqueue(job, { q, k: 'low' }, { queue: q, priority: 'low' });
      await fx.sluice.enqueue(job, { q, k: 'normal' }, { queue: q });
      for (let i = 0; i < 3; i++) await fx.sluice.enqueue(job, { q, k: 'a' }, { queue: q, group: 'a' });
      await fx.sluice.enqueue(job, { q, k: 'b' }, { queue: q, group: 'b' });
      await fx.sluice.enqueue(job, { q, k: 'high' }, { queue: q, priority: 'high' });
      await fx.sluice.enqueue(job, { q, k: 'later' }, { queue: q, priority: 'high', delay: 1 });
    }
    const [st] = await fx.sluice.stats(queues[0]);
    expect(st).toMatchObject({ ready: 7, delayed: 1 });
    expect(st?.priorities?.waitingInGroups).toBe(4);
    const w = await fx.worker({
      jobs: [job],
      queues,
      concurrency: 1,
      lease: 1000,
      blockMs: 1000,
    });
    await w.start();
    await waitFor(() => queues.every((q) => ran.get(q)?.length === 8), 'every job ran');
    for (const q of queues) {
      const order = ran.get(q) as string[];
      // high (and the promoted delayed high job, once due) first, then normal, the groups (a, b, a, a), low last
      expect(order.indexOf('high')).toBeLessThan(order.indexOf('normal'));
      expect(order.indexOf('normal')).toBeLessThan(order.indexOf('b'));
      expect(order.indexOf('b')).toBeLessThan(order.lastIndexOf('a'));
      expect(order[order.length - 1]).toBe('low');
    }
    await w.stop();
  });

  it('finds, cancels, promotes and empties lane jobs on each queue slot', async () => {
    for (const q of ['foc-a', 'foc-b', 'foc-c']) {
      const g = await fx.sluice.enqueue('x', {}, { queue: q, group: 't' });
      const h = await fx.sluice.enqueue('x', {}, { queue: q, priority: 'high' });
      const d = await fx.sluice.enqueue('x', {}, { queue: q, priority: 'low', delay: 60_000 });
      expect(await fx.sluice.getJob(q, g.id)).toMatchObject({ state: 'ready', group: 't' });
      expect(await fx.sluice.getJob(q, h.id)).toMatchObject({ state: 'ready', priority: 'high' });
      expect(await fx.sluice.cancelJob(q, g.id)).toEqual({ done: 'removed', from: 'ready' });
      expect(await fx.sluice.getJob(q, g.id)).toMatchObject({ state: 'cancelled' });
      const moved = await fx.sluice.promoteJob(q, d.id);
      expect(moved).toHaveProperty('entryId');
      expect(await fx.sluice.getJob(q, d.id)).toMatchObject({ state: 'ready', priority: 'low' });
      await fx.sluice.enqueue('x', {}, { queue: q, group: 'u' });
      expect(await fx.sluice.emptyQueue(q)).toEqual({ ready: 3, delayed: 0 });
      const [st] = await fx.sluice.stats(q);
      expect(st).toMatchObject({ ready: 0, running: 0, delayed: 0 });
    }
  });
});

describe('priorities and groups with concurrency on Redis Cluster', () => {
  it('global 1 per queue holds over high, low and grouped jobs on queues of several masters; slots come back', async () => {
    const queues = ['fol-a', 'fol-b', 'fol-c', 'fol-d'];
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    let done = 0;
    const job = defineJob({
      name: 'fol',
      concurrency: { global: 1 },
      handler: async (p: { q: string }) => {
        const n = (running.get(p.q) ?? 0) + 1;
        running.set(p.q, n);
        most.set(p.q, Math.max(most.get(p.q) ?? 0, n));
        await new Promise((r) => setTimeout(r, 5));
        running.set(p.q, (running.get(p.q) ?? 1) - 1);
        done++;
      },
    });
    for (const q of queues) {
      for (let i = 0; i < 3; i++) await fx.sluice.enqueue(job, { q }, { queue: q, priority: 'low' });
      for (let i = 0; i < 3; i++) await fx.sluice.enqueue(job, { q }, { queue: q, group: `g${i % 2}` });
      for (let i = 0; i < 3; i++) await fx.sluice.enqueue(job, { q }, { queue: q, priority: 'high' });
    }
    const opts = { jobs: [job], queues, concurrency: 3, lease: 2000 };
    const ws = [await fx.worker(opts), await fx.worker(opts)];
    for (const w of ws) await w.start();
    await waitFor(() => done === queues.length * 9, 'every job ran');
    for (const q of queues) expect(most.get(q)).toBe(1);
    for (const q of queues) {
      const slots = fx.sluice.keys(q).flowOf('fol').slots;
      await waitFor(async () => Number(await fx.sluice.connection.send(['ZCARD', slots], slots)) === 0, `${q} slots`);
    }
    for (const w of ws) await w.stop();
  });
});
