/** drain(): budgeted runs on real queues (empty, larger than the budget, jobs that do not fit, crash recovery). */
import { defineJob } from '@sluice/core';
import { type DrainOptions, drain } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { redisUrl, sleep } from '../helpers.js';
import { consumersOf, crashedConsumer, delayedAllDue, pendingIdleAtLeast } from '../queue-fixtures.js';
import { producer, streamState } from '../worker/harness.js';

const run = (prefix: string, o: Omit<DrainOptions, 'url' | 'prefix'>) =>
  drain({ url: redisUrl(), prefix, logger: { level: process.env.TEST_LOG_LEVEL ?? 'silent' }, ...o });

describe('drain', () => {
  it('an empty queue returns at once with stoppedBecause "empty"', async () => {
    const s = await producer();
    const job = defineJob({ name: 'nothing', handler: () => {} });
    const r = await run(s.prefix, { jobs: [job], budgetMs: 10_000 });
    expect(r).toEqual({
      processed: 0,
      succeeded: 0,
      retried: 0,
      dead: 0,
      cancelled: 0,
      remaining: 0,
      stoppedBecause: 'empty',
      leftMs: expect.any(Number),
      notStarted: [],
      paused: [],
    });
    await s.close();
  });

  it('runs every job (success, retry, dead) and leaves no consumer behind', async () => {
    const s = await producer();
    const ok = defineJob({ name: 'ok', handler: () => {} });
    const bad = defineJob({
      name: 'bad',
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 60_000 } },
      handler: (p: { last: boolean }, ctx) => {
        if (p.last || ctx.attempt === 1) throw new Error('nope');
      },
    });
    await s.enqueueMany(ok, [{}, {}, {}]);
    await s.enqueue(bad, { last: false });
    const r = await run(s.prefix, { jobs: [ok, bad], budgetMs: 10_000 });
    expect(r).toEqual({
      processed: 4,
      succeeded: 3,
      retried: 1,
      dead: 0,
      cancelled: 0,
      remaining: 1,
      stoppedBecause: 'empty',
      leftMs: expect.any(Number),
      notStarted: [],
      paused: [],
    });
    expect(await consumersOf(s.connection, s.keys('ok'))).toHaveLength(0);
    expect(await consumersOf(s.connection, s.keys('bad'))).toHaveLength(0);
    await s.close();
  });

  it('a queue larger than the budget: returns before the budget with "budget", the rest intact', async () => {
    const s = await producer();
    const job = defineJob({
      name: 'chunk',
      timeout: 300,
      handler: () => sleep(100), // the work
    });
    await s.enqueueMany(
      job,
      Array.from({ length: 40 }, () => ({})),
    );
    // what is checked is the budget logic (stops starting jobs, hands nothing back half-done), not the wall time
    // it took: a busy machine processes fewer jobs and may overrun by the time a close takes
    const r = await run(s.prefix, { jobs: [job], budgetMs: 1500, safetyMs: 300, concurrency: 2 });
    expect(r.stoppedBecause).toBe('budget');
    expect(r.processed).toBeGreaterThan(0);
    expect(r.processed).toBe(r.succeeded);
    expect(r.remaining).toBe(40 - r.processed);
    expect(await streamState(s, s.keys('chunk'))).toEqual({ len: r.remaining, pending: 0 });
    await s.close();
  });

  it('a job longer than the remaining budget is not started (not even read)', async () => {
    const s = await producer();
    let started = 0;
    const long = defineJob({
      name: 'long',
      timeout: 5000,
      handler: () => {
        started++;
      },
    });
    await s.enqueue(long, {});
    const r = await run(s.prefix, { jobs: [long], budgetMs: 1000 });
    expect(started).toBe(0);
    expect(r).toMatchObject({ processed: 0, remaining: 1, stoppedBecause: 'budget' });
    expect(await streamState(s, s.keys('long'))).toEqual({ len: 1, pending: 0 });
    await s.close();
  });

  it('a read job that does not fit is handed back at once with the same attempt; jobs behind it still run', async () => {
    const s = await producer();
    let slowRuns = 0;
    const fast = defineJob({ name: 'fast', queue: 'mixed', timeout: 100, handler: () => {} });
    const slow = defineJob({
      name: 'slow',
      queue: 'mixed',
      timeout: 5000,
      handler: () => {
        slowRuns++;
      },
    });
    await s.enqueue(slow, {});
    await s.enqueue(fast, {});
    const r = await run(s.prefix, { jobs: [fast, slow], budgetMs: 1000, concurrency: 1 });
    expect(slowRuns).toBe(0);
    expect(r).toMatchObject({ stoppedBecause: 'budget', succeeded: 1, remaining: 1 });
    const entries = (await s.streams.xrange(s.keys('mixed').stream)) as { fields: Record<string, string> }[];
    expect(entries.find((e) => e.fields.name === 'slow')?.fields.attempt).toBe('1');
    expect((await streamState(s, s.keys('mixed'))).pending).toBe(0);
    await s.close();
  });

  it('at the budget end a running job without a timeout is aborted and handed back', async () => {
    const s = await producer();
    const forever = defineJob({
      name: 'forever',
      handler: (_p: object, ctx) =>
        new Promise<void>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    });
    await s.enqueue(forever, {});
    // it returns at all: the never-ending job was aborted at the budget end and handed back
    const r = await run(s.prefix, { jobs: [forever], budgetMs: 1600, safetyMs: 800, estimateMs: 100 });
    expect(r).toMatchObject({ processed: 0, retried: 0, remaining: 1, stoppedBecause: 'budget' });
    expect(await streamState(s, s.keys('forever'))).toEqual({ len: 1, pending: 0 });
    await s.close();
  });

  it('recovers crashed work (expired leases) and promotes due delayed jobs on the way', async () => {
    const s = await producer();
    const seen: number[] = [];
    const job = defineJob({
      name: 'recover',
      handler: (p: { n: number }) => {
        seen.push(p.n);
      },
    });
    const k = s.keys('recover');
    await s.enqueue(job, { n: 1 });
    await crashedConsumer(s.connection, k); // took job 1 and died
    await s.enqueue(job, { n: 2 }, { delay: 50 });
    await pendingIdleAtLeast(s.connection, k, 100); // the crashed consumer's lease (100 ms) has run out
    await delayedAllDue(s.connection, k); // job 2 is due
    const r = await run(s.prefix, { jobs: [job], budgetMs: 5000, lease: 100 });
    expect(r).toMatchObject({ succeeded: 2, remaining: 0, stoppedBecause: 'empty' });
    expect(seen.sort()).toEqual([1, 2]);
    expect(await streamState(s, k)).toEqual({ len: 0, pending: 0 });
    await s.close();
  });
});
