/**
 * Running jobs on a 3-master Redis Cluster (issue 15): cancel through sharded pub/sub (the channel lives on the
 * queue's slot), progress, kept results and waitFor, for queues on more than one master. The lease renewal is a
 * minute away, so a cancel can only arrive through SSUBSCRIBE.
 */
import { defineJob, WaitForError } from '@sluice/core';
import type { Worker } from '@sluice/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { useCluster } from './fixture.js';

const fx = useCluster();

let worker: Worker;
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
  worker = await fx.worker({ jobs: [slow], queues, lease: 180_000 });
  worker.on('job:cancelled', (e) => cancelled.push(e.jobId));
  await worker.start();
}, 30_000);

describe('running jobs on Redis Cluster', () => {
  it('cancels, reports progress, keeps results and answers waitFor on queues of several masters', async () => {
    const slots = new Set<string>();
    for (const q of queues)
      slots.add(String(await fx.sluice.connection.send(['CLUSTER', 'KEYSLOT', fx.sluice.keys(q).stream])));
    expect(slots.size).toBeGreaterThan(1);
    for (const q of queues) {
      const h = await fx.sluice.enqueue(slow, { mode: 'wait' }, { queue: q });
      await waitFor(async () => (await fx.sluice.getJob(q, h.id))?.progress !== undefined, `progress on ${q}`);
      expect(await fx.sluice.getJob(q, h.id)).toMatchObject({ state: 'running', progress: { at: q } });
      expect(await fx.sluice.cancelJob(q, h.id)).toMatchObject({ done: 'cancel-requested' });
      await waitFor(() => cancelled.includes(h.id), `the cancel on ${q}`);
      expect(await fx.sluice.getJob(q, h.id)).toMatchObject({ state: 'cancelled', cancelled: { from: 'running' } });
      await expect(fx.sluice.waitFor(h, { timeoutMs: 5000 })).rejects.toMatchObject({ reason: 'cancelled' });

      const ok = await fx.sluice.enqueue(slow, { mode: 'ok' }, { queue: q });
      await expect(fx.sluice.waitFor(ok, { timeoutMs: 10_000 })).resolves.toEqual({ queue: q });
      expect(await fx.sluice.getJob(q, ok.id)).toMatchObject({ state: 'completed', result: { queue: q } });
      const bad = await fx.sluice.enqueue(slow, { mode: 'fail' }, { queue: q });
      const e = await fx.sluice.waitFor(bad, { timeoutMs: 10_000 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(WaitForError);
      expect(e).toMatchObject({ reason: 'failed', jobError: 'it broke' });
      const k = fx.sluice.keys(q);
      expect(await fx.sluice.connection.send(['HLEN', k.kept], k.kept)).toBe(2);
      expect(await fx.sluice.connection.send(['EXISTS', k.progress], k.progress)).toBe(0);
    }
  });
});
