/**
 * Pause and resume on a 3-master Redis Cluster: each queue's channel lives on its slot, so a worker reading queues
 * of every master hears the pause and the resume of each (SPUBLISH and SSUBSCRIBE on the queue's node).
 */
import { createSluice, defineJob, type Sluice } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { createWorker, type Worker } from '@sluice/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { type LocalCluster, startCluster } from './harness.js';
import { slotOwner } from './slots.js';

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

describe('pause on Redis Cluster', () => {
  it('a worker reading queues of every master hears each pause and each resume', async () => {
    const lines: string[] = [];
    const destination = { write: (l: string) => lines.push(String(JSON.parse(l).msg)) };
    const done: string[] = [];
    const job = defineJob({ name: 'pz', handler: (p: { q: string }) => void done.push(p.q) });
    const queues = Array.from({ length: 6 }, (_, i) => `pq${i}`);
    const masters = new Set(await Promise.all(queues.map((q) => slotOwner(cluster, sluice.keys(q).stream))));
    expect(masters.size).toBeGreaterThan(1);
    worker = await createWorker({
      cluster: { rootNodes: cluster.rootNodes },
      prefix,
      jobs: [job],
      queues,
      // on a cluster a heard pause is read when the reader's block ends (no CLIENT UNBLOCK there: consumer.ts)
      blockMs: 1000,
      logger: { level: 'info', destination },
    });
    await worker.start();
    for (const q of queues) await sluice.pause(q);
    await waitFor(
      () => queues.every((q) => lines.some((l) => l.includes(`"${q}" is paused`))),
      'every queue seen paused',
    );
    for (const q of queues) await sluice.enqueue(job, { q }, { queue: q });
    for (const q of queues) {
      const k = sluice.keys(q);
      const [pending] = (await sluice.connection.send(['XPENDING', k.stream, GROUP], k.stream)) as [number];
      expect(Number(pending)).toBe(0);
    }
    expect(done).toEqual([]);
    for (const q of queues) await sluice.resume(q);
    await waitFor(() => done.length === queues.length, 'every queue runs after its resume');
    expect([...done].sort()).toEqual([...queues].sort());
  });
});
