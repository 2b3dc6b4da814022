/**
 * Pause and resume on a 3-master Redis Cluster: each queue's channel lives on its slot, so a worker reading queues
 * of every master hears the pause and the resume of each (SPUBLISH and SSUBSCRIBE on the queue's node).
 */
import { defineJob } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { useCluster } from './fixture.js';
import { slotOwner } from './slots.js';

const fx = useCluster();

describe('pause on Redis Cluster', () => {
  it('a worker reading queues of every master hears each pause and each resume', async () => {
    const lines: string[] = [];
    const destination = { write: (l: string) => lines.push(String(JSON.parse(l).msg)) };
    const done: string[] = [];
    const job = defineJob({ name: 'pz', handler: (p: { q: string }) => void done.push(p.q) });
    const queues = Array.from({ length: 6 }, (_, i) => `pq${i}`);
    const masters = new Set(await Promise.all(queues.map((q) => slotOwner(fx.cluster, fx.sluice.keys(q).stream))));
    expect(masters.size).toBeGreaterThan(1);
    const worker = await fx.worker({
      jobs: [job],
      queues,
      // on a cluster a heard pause is read when the reader's block ends (no CLIENT UNBLOCK there: consumer.ts)
      blockMs: 1000,
      logger: { level: 'info', destination },
    });
    await worker.start();
    for (const q of queues) await fx.sluice.pause(q);
    await waitFor(
      () => queues.every((q) => lines.some((l) => l.includes(`"${q}" is paused`))),
      'every queue seen paused',
    );
    for (const q of queues) await fx.sluice.enqueue(job, { q }, { queue: q });
    for (const q of queues) {
      const k = fx.sluice.keys(q);
      const [pending] = (await fx.sluice.connection.send(['XPENDING', k.stream, GROUP], k.stream)) as [number];
      expect(Number(pending)).toBe(0);
    }
    expect(done).toEqual([]);
    for (const q of queues) await fx.sluice.resume(q);
    await waitFor(() => done.length === queues.length, 'every queue runs after its resume');
    expect([...done].sort()).toEqual([...queues].sort());
  });
});
