/**
 * Debounce and throttle at enqueue (reported as `skipped`, counted in stats) and the rate limit's `delayed`
 * outcome, on a real Redis with an in-process worker.
 */
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { sleep, uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startWorker } from '../worker/harness.js';

describe('throttle', () => {
  it('the first enqueue of a key in the period is written; the others are skipped with its id and counted', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const runs: string[] = [];
    const job = defineJob({
      name: 'th',
      throttle: { key: (p: { user: string; n: number }) => p.user, period: '2s' },
      handler: (p: { user: string; n: number }) => {
        runs.push(`${p.user}:${p.n}`);
      },
    });
    const a = await s.enqueue(job, { user: 'u1', n: 1 });
    const rest = [];
    for (let n = 2; n <= 5; n++) rest.push(await s.enqueue(job, { user: 'u1', n }));
    const other = await s.enqueue(job, { user: 'u2', n: 1 });
    expect(a.skipped).toBeUndefined();
    expect(rest.map((r) => [r.id, r.skipped])).toEqual(Array(4).fill([a.id, 'throttled']));
    expect(other.skipped).toBeUndefined();
    expect((await s.stats('th'))[0]?.flow).toEqual({ queued: 0, delayed: 0, skipped: 4, debounced: 0, throttled: 4 });
    const w = await startWorker(prefix, { jobs: [job] });
    await waitFor(async () => runs.length === 2, 'two runs');
    expect(runs.sort()).toEqual(['u1:1', 'u2:1']);
    // per-enqueue override: a period of its own, and `false` turns it off
    expect((await s.enqueue(job, { user: 'u1', n: 6 }, { throttle: false })).skipped).toBeUndefined();
    await expect(s.enqueue(job, { user: 'u1', n: 7 }, { throttle: { key: 'x', period: 'soon' } })).rejects.toThrow(
      /throttle\.period expects a duration/,
    );
    await w.stop();
    await s.close();
  });
});

describe('debounce', () => {
  it('one run with the last payload after the quiet period; later enqueues are skipped as debounced', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const runs: number[] = [];
    const job = defineJob({
      name: 'db',
      debounce: { key: 'search-index', period: 400 },
      handler: (p: { n: number }) => {
        runs.push(p.n);
      },
    });
    const results = [];
    for (let n = 1; n <= 5; n++) results.push(await s.enqueue(job, { n }));
    expect(results[0]?.skipped).toBeUndefined();
    expect(results.slice(1).map((r) => [r.id, r.skipped])).toEqual(Array(4).fill([results[0]?.id, 'debounced']));
    expect((await s.getJob('db', results[0]?.id as string))?.state).toBe('delayed');
    const w = await startWorker(prefix, { jobs: [job] });
    await waitFor(async () => runs.length === 1, 'one run');
    expect(runs).toEqual([5]);
    expect((await s.stats('db'))[0]?.flow.debounced).toBe(4);
    // once the run was promoted, the next enqueue starts a new one
    const next = await s.enqueue(job, { n: 6 });
    expect(next.skipped).toBeUndefined();
    expect(next.id).not.toBe(results[0]?.id);
    await waitFor(async () => runs.length === 2, 'second run');
    expect(runs).toEqual([5, 6]);
    await w.stop();
    await s.close();
  });

  it('maxWait caps how far enqueues push the run back from the first one', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'mw', debounce: { key: 'k', period: 1000, maxWait: 1500 }, handler: () => {} });
    const first = await s.enqueue(job, {});
    const delayed = s.keys('mw').delayed;
    // the one delayed run's score (a RESP3 reply nests [member, score]: flattened, as a RESP2 one reads)
    const due = async () =>
      Number(((await s.connection.send(['ZRANGE', delayed, '0', '0', 'WITHSCORES'])) as unknown[]).flat()[1]);
    const due1 = await due();
    expect(due1).toBeGreaterThan(0);
    // enqueue every 100 ms until the run is pushed back to the cap (first enqueue + 1500 = due1 + 500, server
    // time), never past it: without maxWait each enqueue would push it to its own time + 1000
    const pushedTo: number[] = [];
    for (let i = 0; i < 100 && pushedTo.at(-1) !== due1 + 500; i++) {
      await sleep(100);
      const e = await s.enqueue(job, {});
      pushedTo.push(await due());
      if (e.id !== first.id) break;
    }
    expect(pushedTo.at(-1)).toBe(due1 + 500);
    expect(Math.max(...pushedTo)).toBe(due1 + 500);
    expect(Number(await s.connection.send(['ZCARD', delayed]))).toBe(1);
    await s.close();
  });

  it('options are checked with one-line errors naming the field', async () => {
    expect(() => defineJob({ name: 'x', debounce: { key: 'k', period: 0 }, handler: () => {} })).toThrow(
      'job "x": debounce.period must be at least 1 ms; got 0',
    );
    expect(() =>
      defineJob({ name: 'x', debounce: { key: 'k', period: 1000, maxWait: 10 }, handler: () => {} }),
    ).toThrow('job "x": debounce.maxWait must be at least the period (1000 ms); got 10');
    const s = await producer();
    const job = defineJob({ name: 'v', throttle: { key: () => '', period: 10 }, handler: () => {} });
    await expect(s.enqueue(job, {})).rejects.toThrow(
      'job "v": throttle.key must be a non-empty string of at most 200 characters without control characters; got ""',
    );
    await expect(s.enqueueMany(job, [{}])).rejects.toThrow(/debounced or throttled per enqueue; use enqueue/);
    await expect(s.enqueue('plain', {}, { debounce: { key: 'k', period: 10 }, delay: 5 })).rejects.toThrow(
      'enqueue: debounce sets the due time; give no delay or at',
    );
    await s.close();
  });
});

describe('rate limit', () => {
  it('the excess is delayed (not an attempt, never dropped) and every job runs', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const attempts: number[] = [];
    const job = defineJob({
      name: 'rl',
      rateLimit: { limit: 4, period: 300 },
      handler: (_p: { n: number }, ctx) => {
        attempts.push(ctx.attempt);
      },
    });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 10 });
    const delayed = record('job:delayed', w);
    await s.enqueueMany(
      job,
      Array.from({ length: 12 }, (_, n) => ({ n })),
    );
    await waitFor(async () => attempts.length === 12, 'twelve runs');
    expect(attempts.every((a) => a === 1)).toBe(true);
    expect(delayed.length).toBeGreaterThanOrEqual(8);
    expect(delayed.every((e) => typeof e.dueAt === 'number')).toBe(true);
    expect((await s.stats('rl'))[0]?.flow.delayed).toBe(delayed.length);
    await w.stop();
    await s.close();
  });
});
