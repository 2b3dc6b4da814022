/**
 * The registry on a 3-master Redis Cluster: the catalogue (one key per fx.prefix) is read by name whatever node holds
 * the queues; a worker reading queues on every master is live on each (its connections are found by CLIENT LIST on
 * each queue's node), stats count it, and it is gone after stop.
 */
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useCluster } from './fixture.js';

const fx = useCluster();

describe('registry on Redis Cluster', () => {
  it('publishes the catalogue and lists the worker live on queues of every master', async () => {
    const queues = Array.from({ length: 9 }, (_, i) => `r${i}`);
    const jobs = queues.map((q) =>
      defineJob({ name: `job-${q}`, queue: q, schema: z.object({ n: z.number() }), handler: async () => {} }),
    );
    const worker = await fx.worker({
      jobs,
    });
    await worker.start();
    const slots = new Set<string>();
    for (const q of queues)
      slots.add(String(await fx.sluice.connection.send(['CLUSTER', 'KEYSLOT', fx.sluice.keys(q).stream])));
    expect(slots.size).toBeGreaterThan(1);

    const found = await fx.sluice.findJobDefinition('job-r7');
    expect(found).toEqual([
      expect.objectContaining({ queue: 'r7', schema: expect.objectContaining({ type: 'object' }) }),
    ]);
    expect(await fx.sluice.listCatalogue()).toHaveLength(9);

    const [live] = await fx.sluice.listWorkers();
    expect(live).toMatchObject({ consumer: worker.consumer, queues });
    for (const s of await fx.sluice.stats(queues))
      expect({ queue: s.queue, workers: s.workers }).toEqual({ queue: s.queue, workers: 1 });
    const r = await fx.sluice.runSchedule('r1', 'job-r1'); // not a cron job
    expect(r).toBeNull();

    await worker.stop();
    expect(await fx.sluice.listWorkers()).toEqual([]);
    for (const s of await fx.sluice.stats(queues)) expect(s.workers).toBe(0);
  });
});
