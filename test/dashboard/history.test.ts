/**
 * The per-minute history the overview charts: a real worker runs jobs that succeed, fail once then succeed, and
 * fail every attempt; the dashboard's history route then counts exactly those completions and failed attempts.
 */
import { defineJob } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { startWorker } from '../worker/harness.js';
import { ok, startDashboard, type TestDashboard } from './harness.js';

type H = { stepMs: number; points: { t: number; completed: number; failed: number }[] };
const total = (h: H) =>
  h.points.reduce((a, p) => ({ completed: a.completed + p.completed, failed: a.failed + p.failed }), {
    completed: 0,
    failed: 0,
  });

let d: TestDashboard | undefined;
afterEach(async () => {
  await d?.close();
  d = undefined;
});

describe('queue history', () => {
  it('counts what a worker did: completed jobs and failed attempts, per minute and per quarter hour', async () => {
    d = await startDashboard();
    const seen = new Map<number, number>();
    const work = defineJob({
      name: 'work',
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
      handler: async (p: { n: number; fail?: 'once' | 'always' }) => {
        const tries = (seen.get(p.n) ?? 0) + 1;
        seen.set(p.n, tries);
        if (p.fail === 'always' || (p.fail === 'once' && tries === 1)) throw new Error(`job ${p.n} failed`);
      },
    });
    const payloads = [
      ...Array.from({ length: 5 }, (_, n) => ({ n })),
      { n: 10, fail: 'once' as const },
      { n: 20, fail: 'always' as const },
      { n: 21, fail: 'always' as const },
    ];
    await d.s.enqueueMany(work, payloads);
    const w = await startWorker(d.prefix, { jobs: [work] });
    await waitFor(async () => {
      const s = (await d?.s.stats('work'))?.[0];
      return s?.dead === 2 && s.ready === 0 && s.running === 0 && s.delayed === 0;
    }, 'every job to finish');
    await w.stop();
    // 6 completed (5 + the one that failed once); failed attempts: 1 + 2 x 2
    const hour = await ok<H>(d.get('/api/queues/work/history?range=hour'));
    expect(hour.stepMs).toBe(60_000);
    expect(total(hour)).toEqual({ completed: 6, failed: 5 });
    expect(hour.points.filter((p) => p.completed + p.failed > 0).length).toBeLessThanOrEqual(2);
    const day = await ok<H>(d.get('/api/queues/work/history?range=day'));
    expect(total(day)).toEqual({ completed: 6, failed: 5 });
    expect(await ok(d.get('/api/queues/work/history?range=week'), 400)).toEqual({
      error: expect.stringContaining('range'),
    });
  });

  it('counts jobs that hold concurrency slots (acked and retried through the slot-releasing scripts)', async () => {
    d = await startDashboard();
    const dash = d;
    const tries = new Map<number, number>();
    const limited = defineJob({
      name: 'limited',
      concurrency: { global: 2 },
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
      handler: async (p: { n: number }) => {
        const t = (tries.get(p.n) ?? 0) + 1;
        tries.set(p.n, t);
        if (p.n === 0 && t === 1) throw new Error('first try fails');
      },
    });
    await dash.s.enqueueMany(
      limited,
      Array.from({ length: 4 }, (_, n) => ({ n })),
    );
    const w = await startWorker(dash.prefix, { jobs: [limited] });
    const history = () => ok<H>(dash.get('/api/queues/limited/history'));
    await waitFor(async () => total(await history()).completed === 4, 'four completions');
    await w.stop();
    expect(total(await history())).toEqual({ completed: 4, failed: 1 });
  });
});
