/**
 * The registry on a 3-master Redis Cluster: the catalogue (one key per prefix) is read by name whatever node holds
 * the queues; a worker reading queues on every master is live on each (its connections are found by CLIENT LIST on
 * each queue's node), stats count it, and it is gone after stop.
 */
import { createSluice, defineJob, type Sluice } from '@sluice/core';
import { createWorker, type Worker } from '@sluice/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uniquePrefix } from '../helpers.js';
import { type LocalCluster, startCluster } from './harness.js';

let cluster: LocalCluster;
let sluice: Sluice;
let worker: Worker | undefined;
const prefix = uniquePrefix();

beforeAll(async () => {
  cluster = await startCluster(3, 0);
  sluice = await createSluice({ cluster: { rootNodes: cluster.rootNodes }, prefix });
}, 30_000);
afterAll(async () => {
  await worker?.stop();
  await sluice?.close();
  await cluster?.stop();
});

describe('registry on Redis Cluster', () => {
  it('publishes the catalogue and lists the worker live on queues of every master', async () => {
    const queues = Array.from({ length: 9 }, (_, i) => `r${i}`);
    const jobs = queues.map((q) =>
      defineJob({ name: `job-${q}`, queue: q, schema: z.object({ n: z.number() }), handler: async () => {} }),
    );
    worker = await createWorker({
      cluster: { rootNodes: cluster.rootNodes },
      prefix,
      jobs,
      logger: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
    });
    await worker.start();
    const slots = new Set<string>();
    for (const q of queues)
      slots.add(String(await sluice.connection.send(['CLUSTER', 'KEYSLOT', sluice.keys(q).stream])));
    expect(slots.size).toBeGreaterThan(1);

    const found = await sluice.findJobDefinition('job-r7');
    expect(found).toEqual([
      expect.objectContaining({ queue: 'r7', schema: expect.objectContaining({ type: 'object' }) }),
    ]);
    expect(await sluice.listCatalogue()).toHaveLength(9);

    const [live] = await sluice.listWorkers();
    expect(live).toMatchObject({ consumer: worker.consumer, queues });
    for (const s of await sluice.stats(queues))
      expect({ queue: s.queue, workers: s.workers }).toEqual({ queue: s.queue, workers: 1 });
    const r = await sluice.runSchedule('r1', 'job-r1'); // not a cron job
    expect(r).toBeNull();

    await worker.stop();
    expect(await sluice.listWorkers()).toEqual([]);
    for (const s of await sluice.stats(queues)) expect(s.workers).toBe(0);
  });
});
