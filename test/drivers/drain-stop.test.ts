/** drain(): why it stopped, on real queues: jobs that do not fit are named, a paused queue, a stop signal. */
import { defineJob } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { type DrainOptions, drain } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { redisUrl } from '../helpers.js';
import { producer, streamState } from '../worker/harness.js';

const run = (prefix: string, o: Omit<DrainOptions, 'url' | 'prefix'>) =>
  drain({ url: redisUrl(), prefix, logger: { level: process.env.TEST_LOG_LEVEL ?? 'silent' }, ...o });

const consumersOf = async (s: Awaited<ReturnType<typeof producer>>, queue: string) =>
  ((await s.connection.send(['XINFO', 'CONSUMERS', s.keys(queue).stream, GROUP])) as unknown[]).length;

describe('drain: why it stopped', () => {
  it('names the jobs that do not fit the time left, with their cost', async () => {
    const s = await producer();
    const long = defineJob({ name: 'long', timeout: 5000, handler: () => {} });
    const other = defineJob({ name: 'other', queue: 'long', handler: () => {} });
    await s.enqueueMany(long, [{}, {}, {}, {}, {}]);
    await s.enqueue(other, {});
    const r = await run(s.prefix, { jobs: [long, other], budgetMs: 5000, estimateMs: 4800 });
    expect(r).toMatchObject({ processed: 0, remaining: 6, stoppedBecause: 'budget', paused: [] });
    expect(r.leftMs).toBeLessThanOrEqual(4500);
    expect(r.notStarted).toEqual([
      { queue: 'long', job: 'long', count: 5, costMs: 5000, costFrom: 'timeout' },
      { queue: 'long', job: 'other', count: 1, costMs: 4800, costFrom: 'estimate' },
    ]);
    expect(await streamState(s, s.keys('long'))).toEqual({ len: 6, pending: 0 });
    await s.close();
  });

  it('a handed-back job that does not fit is named; the jobs that ran are not', async () => {
    const s = await producer();
    const fast = defineJob({ name: 'fast', queue: 'mixed', timeout: 100, handler: () => {} });
    const slow = defineJob({ name: 'slow', queue: 'mixed', timeout: 5000, handler: () => {} });
    await s.enqueue(slow, {});
    await s.enqueue(fast, {});
    const r = await run(s.prefix, { jobs: [fast, slow], budgetMs: 1000, concurrency: 1 });
    expect(r).toMatchObject({ succeeded: 1, stoppedBecause: 'budget' });
    expect(r.notStarted).toEqual([{ queue: 'mixed', job: 'slow', count: 1, costMs: 5000, costFrom: 'timeout' }]);
    await s.close();
  });

  it('a paused queue stops it with "paused" and its jobs counted in remaining', async () => {
    const s = await producer();
    const job = defineJob({ name: 'held', handler: () => {} });
    await s.enqueue(job, {});
    await s.pause('held');
    const r = await run(s.prefix, { jobs: [job], budgetMs: 5000 });
    expect(r).toMatchObject({ processed: 0, remaining: 1, stoppedBecause: 'paused', paused: ['held'], notStarted: [] });
    await s.close();
  });

  it('its signal stops it gracefully: a running job finishes, the rest stay ready, no consumer is left', async () => {
    const s = await producer();
    const stop = new AbortController();
    let release: () => void = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let runs = 0;
    const job = defineJob({
      name: 'step',
      handler: async () => {
        runs++;
        stop.abort();
        await released;
      },
    });
    await s.enqueueMany(job, [{}, {}, {}]);
    stop.signal.addEventListener('abort', () => setImmediate(release), { once: true });
    const r = await run(s.prefix, { jobs: [job], budgetMs: 20_000, concurrency: 1, signal: stop.signal });
    expect(runs).toBe(1);
    expect(r).toMatchObject({ processed: 1, succeeded: 1, remaining: 2, stoppedBecause: 'signal' });
    expect(await streamState(s, s.keys('step'))).toEqual({ len: 2, pending: 0 });
    expect(await consumersOf(s, 'step')).toBe(0);
    await s.close();
  });

  it('after its signal a job that outlives the grace period is aborted and handed back with the same attempt', async () => {
    const s = await producer();
    const stop = new AbortController();
    const job = defineJob({
      name: 'stuck',
      handler: (_p: object, ctx) =>
        new Promise<void>((_, reject) => {
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          stop.abort();
        }),
    });
    await s.enqueue(job, {});
    const r = await run(s.prefix, { jobs: [job], budgetMs: 20_000, shutdownGrace: 0, signal: stop.signal });
    expect(r).toMatchObject({ processed: 0, remaining: 1, stoppedBecause: 'signal' });
    const [entry] = await s.streams.xrange(s.keys('stuck').stream);
    expect(entry?.fields.attempt).toBe('1');
    expect(await streamState(s, s.keys('stuck'))).toEqual({ len: 1, pending: 0 });
    expect(await consumersOf(s, 'stuck')).toBe(0);
    await s.close();
  });
});
