/**
 * Core on a 3-master Redis Cluster: every script and the inspector run unchanged; queues spread over the masters
 * by their hash tags.
 */
import { type Connection, createSluice, defineJob } from '@sluice/core';
import { ackDeliveries, enqueueCronTick, promoteDue, queueKeys, retryLater } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { deliveredTo, groupCreated } from '../queue-fixtures.js';
import { useCluster } from './fixture.js';

const fx = useCluster();

const job = defineJob({ name: 'ping', handler: async (_p: { n: number }) => {} });

describe('core on Redis Cluster', () => {
  it('spreads queues over the masters and enqueues on each', async () => {
    const queues = Array.from({ length: 12 }, (_, i) => `q${i}`);
    for (const q of queues) {
      await fx.sluice.enqueue(job, { n: 1 }, { queue: q });
      await fx.sluice.enqueue(job, { n: 2 }, { queue: q, delay: 60_000 });
      await fx.sluice.enqueue(job, { n: 3 }, { queue: q, key: 'once' });
      expect((await fx.sluice.enqueue(job, { n: 3 }, { queue: q, key: 'once' })).deduplicated).toBe(true);
    }
    const slots = new Set<string>();
    for (const q of queues)
      slots.add(String(await fx.sluice.connection.send(['CLUSTER', 'KEYSLOT', fx.sluice.keys(q).stream])));
    expect(slots.size).toBeGreaterThan(1);
    const owners = new Set<number>();
    for (const n of fx.cluster.nodes)
      if (Number((await fx.cluster.cli(n.port, 'dbsize')).trim()) > 0) owners.add(n.port);
    expect(owners.size).toBeGreaterThan(1); // more than one master holds queues
    const stats = await fx.sluice.stats(queues);
    for (const s of stats) expect(s).toMatchObject({ ready: 2, delayed: 1, running: 0, dead: 0 }); // wake marker not counted
  });

  it('runs the fenced scripts on the queue slot', async () => {
    const k = queueKeys(fx.prefix, 'fenced');
    const conn = fx.sluice.connection as Connection;
    await groupCreated(conn, k);
    await fx.sluice.enqueueMany(job, [{ n: 1 }, { n: 2 }], { queue: 'fenced' });
    const [a, b] = await deliveredTo(conn, k, 'c1', 2);
    const [ack] = await ackDeliveries(conn, k, 'c1', [{ entryId: a?.id as string, deliveries: 1 }]);
    expect(ack).toEqual({ ok: true });
    const env = { id: (b?.fields.id ?? b?.id) as string, name: 'ping', data: '{"n":2}', attempt: 2, enqueuedAt: 1 };
    const r = await retryLater(conn, k, 'c1', { entryId: b?.id as string, deliveries: 1 }, 1, env);
    expect(r.ok).toBe(true);
    // due 1 ms later by the server's clock: promote until something moves, then it must be exactly that one job
    const moved = await waitFor(async () => (await promoteDue(conn, k, 10)).moved, 'the retry to be due');
    expect(moved).toBe(1);
    const [s] = await fx.sluice.stats('fenced');
    expect(s).toMatchObject({ running: 0, delayed: 0 });
  });

  it('dead-letters a bad delayed member, redrives it and enqueues a cron tick once, on the queue slot', async () => {
    const k = queueKeys(fx.prefix, 'bad');
    const conn = fx.sluice.connection as Connection;
    const wide: Record<string, string> = { id: 'w', name: 'ping', data: '{}', attempt: '1', enqueuedAt: '1' };
    for (let i = 0; i < 100; i++) wide[`f${i}`] = 'v';
    await conn.send(['ZADD', k.delayed, '1', JSON.stringify(wide)], k.delayed);
    expect(await promoteDue(conn, k, 10)).toMatchObject({ moved: 1, deadLettered: 1 });
    expect(await fx.sluice.dead.redrive('bad', { all: true })).toEqual({ moved: 1, notMoved: [] });
    const env = { id: 'c', name: 'tick', data: '{}', attempt: 1, enqueuedAt: 1 };
    expect(await enqueueCronTick(conn, k, 1000, 60_000, env)).toBe(true);
    expect(await enqueueCronTick(conn, k, 1000, 60_000, env)).toBe(false);
    expect((await fx.sluice.streams.xrange(k.stream)).map((e) => e.fields.id)).toEqual(['w', 'c']);
  });

  it('finds, lists and controls jobs by id on each queue slot (index, remove-job, promote-job, empty-queue, delete)', async () => {
    for (const q of ['ops-a', 'ops-b', 'ops-c']) {
      const k = queueKeys(fx.prefix, q);
      const conn = fx.sluice.connection as Connection;
      const ready = await fx.sluice.enqueue(job, { n: 1 }, { queue: q });
      const later = await fx.sluice.enqueue(job, { n: 2 }, { queue: q, delay: 60_000 });
      expect((await fx.sluice.getJob(q, ready.id))?.state).toBe('ready');
      expect((await fx.sluice.listJobs(q, { state: 'delayed' })).jobs.map((j) => j.id)).toEqual([later.id]);
      expect(await fx.sluice.promoteJob(q, later.id)).toMatchObject({ entryId: expect.any(String) });
      expect(await fx.sluice.cancelJob(q, later.id)).toEqual({ done: 'removed', from: 'ready' });
      expect((await fx.sluice.getJob(q, later.id))?.state).toBe('cancelled');
      await groupCreated(conn, k);
      await deliveredTo(conn, k, 'c1', 5);
      expect(await fx.sluice.cancelJob(q, ready.id)).toEqual({ done: 'cancel-requested', consumer: 'c1' });
      expect((await fx.sluice.listJobs(q, { state: 'running' })).jobs.map((j) => j.id)).toEqual([ready.id]);
      await fx.sluice.enqueue(job, { n: 3 }, { queue: q, delay: 60_000 });
      expect(await fx.sluice.emptyQueue(q)).toEqual({ ready: 0, delayed: 1 });
      expect(await fx.sluice.deleteQueue(q, { force: true })).toBeGreaterThan(0);
      expect(await fx.sluice.getJob(q, ready.id)).toBeNull();
    }
  });

  it('fails fast with a clear message when no node answers', async () => {
    const t0 = Date.now();
    await expect(
      createSluice({ cluster: { rootNodes: ['redis://127.0.0.1:1'] }, connectTimeout: 1000 }),
    ).rejects.toThrow(/cannot connect to Redis at cluster redis:\/\/127\.0\.0\.1:1/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
