/**
 * Running jobs on a 3-master Redis Cluster (issue 15): cancel through sharded pub/sub (the channel lives on the
 * queue's slot), progress, kept results and waitFor, for queues on more than one master. The lease renewal is a
 * minute away, so a cancel can only arrive through SSUBSCRIBE.
 */
import { createSluice, defineJob, type Sluice, WaitForError } from '@sluice/core';
import { createWorker, type Worker } from '@sluice/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { type LocalCluster, startCluster } from './harness.js';

let cluster: LocalCluster;
let sluice: Sluice;
let worker: Worker;
const prefix = uniquePrefix();
const queues = ['jr-a', 'jr-b', 'jr-c', 'jr-d'];
const started: string[] = [];
const cancelled: string[] = [];

const slow = defineJob({
  name: 'slow',
  keep: { completed: { count: 5 }, failed: {} },
  retry: { attempts: 1 },
  handler: async (p: { mode: 'wait' | 'ok' | 'fail' }, ctx) => {
    started.push(ctx.jobId);
    if (p.mode === 'fail') throw new Error('it broke');
    await ctx.progress({ at: ctx.queue });
    if (p.mode === 'ok') return { queue: ctx.queue };
    await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
    throw ctx.signal.reason;
  },
});

beforeAll(async () => {
  cluster = await startCluster(3, 0);
  sluice = await createSluice({ cluster: { rootNodes: cluster.rootNodes }, prefix });
  worker = await createWorker({
    cluster: { rootNodes: cluster.rootNodes },
    prefix,
    jobs: [slow],
    queues,
    lease: 180_000,
    blockMs: 1000,
    shutdownGrace: 1000,
    logger: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
  });
  worker.on('job:cancelled', (e) => cancelled.push(e.jobId));
  await worker.start();
}, 30_000);
afterAll(async () => {
  await worker?.stop();
  await sluice?.close();
  await cluster?.stop();
});

describe('running jobs on Redis Cluster', () => {
  it('cancels, reports progress, keeps results and answers waitFor on queues of several masters', async () => {
    const slots = new Set<string>();
    for (const q of queues)
      slots.add(String(await sluice.connection.send(['CLUSTER', 'KEYSLOT', sluice.keys(q).stream])));
    expect(slots.size).toBeGreaterThan(1);
    for (const q of queues) {
      const h = await sluice.enqueue(slow, { mode: 'wait' }, { queue: q });
      await waitFor(async () => (await sluice.getJob(q, h.id))?.progress !== undefined, `progress on ${q}`);
      expect(await sluice.getJob(q, h.id)).toMatchObject({ state: 'running', progress: { at: q } });
      expect(await sluice.cancelJob(q, h.id)).toMatchObject({ done: 'cancel-requested' });
      await waitFor(() => cancelled.includes(h.id), `the cancel on ${q}`);
      expect(await sluice.getJob(q, h.id)).toMatchObject({ state: 'cancelled', cancelled: { from: 'running' } });
      await expect(sluice.waitFor(h, { timeoutMs: 5000 })).rejects.toMatchObject({ reason: 'cancelled' });

      const ok = await sluice.enqueue(slow, { mode: 'ok' }, { queue: q });
      await expect(sluice.waitFor(ok, { timeoutMs: 10_000 })).resolves.toEqual({ queue: q });
      expect(await sluice.getJob(q, ok.id)).toMatchObject({ state: 'completed', result: { queue: q } });
      const bad = await sluice.enqueue(slow, { mode: 'fail' }, { queue: q });
      const e = await sluice.waitFor(bad, { timeoutMs: 10_000 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(WaitForError);
      expect(e).toMatchObject({ reason: 'failed', jobError: 'it broke' });
      const k = sluice.keys(q);
      expect(await sluice.connection.send(['HLEN', k.kept], k.kept)).toBe(2);
      expect(await sluice.connection.send(['EXISTS', k.progress], k.progress)).toBe(0);
    }
  });
});
