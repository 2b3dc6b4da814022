/**
 * Priorities and fair groups together with concurrency and rate limits, on workers (docs/flow-control.md,
 * "Combining"): limits hold across lanes, high waiters get a freed slot first, a parked job keeps its lane, and
 * debounce/throttle with a priority or group is refused. The script-level slot tests are in lanes-slots.test.ts.
 */

import { defineJob } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { sleep, uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startWorker } from '../worker/harness.js';
import { maxOverlap, type Span } from './checker.js';

/** XPENDING count of `stream` (0 when it has no group yet). */
const pending = async (s: Awaited<ReturnType<typeof producer>>, stream: string) =>
  Number(((await s.connection.send(['XPENDING', stream, GROUP]).catch(() => [0])) as [number])[0]);

describe('priorities and groups with concurrency and rate limits (workers)', () => {
  it('priority + global 2 over two workers: never more than 2 at once, high jobs start before low ones', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const spans: (Span & { p: string })[] = [];
    const job = defineJob({
      name: 'pg',
      concurrency: { global: 2 },
      handler: async (p: { n: number; p: 'high' | 'low' }) => {
        const span = { key: '', start: Date.now(), end: undefined as number | undefined, p: p.p };
        spans.push(span);
        await sleep(10 + (p.n % 3) * 5);
        span.end = Date.now();
      },
    });
    // low first, then high: all ready before any worker reads
    for (let n = 0; n < 15; n++) await s.enqueue(job, { n, p: 'low' }, { priority: 'low' });
    for (let n = 0; n < 15; n++) await s.enqueue(job, { n, p: 'high' }, { priority: 'high' });
    const w1 = await startWorker(prefix, { jobs: [job], concurrency: 5 });
    const w2 = await startWorker(prefix, { jobs: [job], concurrency: 5 });
    const queued = record('job:queued', w1, w2);
    await waitFor(async () => spans.filter((x) => x.end !== undefined).length === 30, '30 runs');
    expect(maxOverlap(spans).max).toBe(2);
    expect(queued.length).toBeGreaterThan(0);
    // a freed slot goes to a high waiter before a low one: once the last high job holds its slot, at most the
    // other slot (global - 1) can have gone to a low job before that high job's handler starts
    const lastHigh = Math.max(...spans.filter((x) => x.p === 'high').map((x) => x.start));
    const order = [...spans].sort((a, b) => a.start - b.start).map((x) => x.p);
    const lowsBefore = order.slice(0, order.lastIndexOf('high')).filter((p) => p === 'low').length;
    expect(lowsBefore, `order ${order.join(',')}, last high at ${lastHigh}`).toBeLessThanOrEqual(1);
    await waitFor(
      async () => Number(await s.connection.send(['ZCARD', s.keys('pg').flowOf('pg').slots])) === 0,
      'slots given back',
    );
    expect(Number(await s.connection.send(['ZCARD', s.keys('pg').flowOf('pg').waiting]))).toBe(0);
    await Promise.all([w1.stop(), w2.stop()]);
    await s.close();
  });

  it('a freed slot goes to a waiting high job before low jobs that waited longer', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const starts: { p: string; at: number }[] = [];
    const job = defineJob({
      name: 'pw',
      concurrency: { global: 2 },
      handler: async (p: { p: 'high' | 'low' }) => {
        starts.push({ p: p.p, at: Date.now() });
        await sleep(15);
      },
    });
    const w1 = await startWorker(prefix, { jobs: [job], concurrency: 5 });
    const w2 = await startWorker(prefix, { jobs: [job], concurrency: 5 });
    await s.enqueueMany(
      job,
      Array.from({ length: 20 }, () => ({ p: 'low' as const })),
      { priority: 'low' },
    );
    // low jobs wait for a slot before any high job exists
    const waiting = s.keys('pw').flowOf('pw').waiting;
    await waitFor(async () => Number(await s.connection.send(['ZCARD', waiting])) >= 5, 'low jobs waiting');
    const before = starts.length;
    await s.enqueueMany(
      job,
      Array.from({ length: 10 }, () => ({ p: 'high' as const })),
      { priority: 'high' },
    );
    await waitFor(async () => starts.length === 30, '30 runs');
    // after the highs were enqueued, a low job starts before the last high only with a slot handed out before
    // the highs waited (at most 2, the limit) or beside the last high's (1)
    const after = starts.slice(before).map((x) => x.p);
    const lowsBefore = after.slice(0, after.lastIndexOf('high')).filter((p) => p === 'low').length;
    expect(lowsBefore, after.join(',')).toBeLessThanOrEqual(3);
    await Promise.all([w1.stop(), w2.stop()]);
    await s.close();
  });

  it('a rate-limited high job is delayed and comes back on the high stream', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const keys = s.keys('rl');
    const runs: { n: number; onHigh: number; onDefault: number }[] = [];
    const job = defineJob({
      name: 'rl',
      priority: 'high',
      rateLimit: { limit: 1, period: '300ms' },
      handler: async (p: { n: number }) => {
        // the running job's entry is pending on the stream it was read from
        runs.push({
          n: p.n,
          onHigh: await pending(s, keys.inLane('high').stream),
          onDefault: await pending(s, keys.stream),
        });
      },
    });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    const delayed = record('job:delayed', w);
    for (let n = 0; n < 3; n++) await s.enqueue(job, { n });
    await waitFor(async () => runs.length === 3, '3 runs');
    expect(delayed.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((r) => r.onHigh === 1 && r.onDefault === 0)).toBe(true);
    expect((await s.stats('rl'))[0]?.flow.delayed).toBeGreaterThanOrEqual(2);
    await w.stop();
    await s.close();
  });

  it('a parked high job keeps its priority in the delayed set (getJob while delayed)', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const job = defineJob({
      name: 'gq',
      priority: 'high',
      concurrency: { global: 1 },
      handler: async () => gate,
    });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 2 });
    const queued = record('job:queued', w);
    await s.enqueue(job, {});
    await s.enqueue(job, {});
    await waitFor(async () => queued.length === 1, 'one queued');
    const info = await s.getJob('gq', queued[0]?.jobId ?? '');
    expect(info).toMatchObject({ state: 'delayed', priority: 'high' });
    release();
    await waitFor(async () => (await s.stats('gq'))[0]?.ready === 0 && (await s.stats('gq'))[0]?.running === 0, 'done');
    await w.stop();
    await s.close();
  });

  it('grouped jobs with perKey 1: one run per tenant at once, slots are fair-lane members, all run', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const keys = s.keys('gk');
    const spans: Span[] = [];
    const members: string[] = [];
    const job = defineJob({
      name: 'gk',
      group: (p: { t: string; n: number }) => p.t,
      concurrency: { perKey: 1, key: (p: { t: string; n: number }) => p.t },
      handler: async (p: { t: string; n: number }) => {
        const span: Span = { key: p.t, start: Date.now(), end: undefined };
        spans.push(span);
        const held = (await s.connection.send(['ZRANGE', keys.flowOf('gk').keySlots(p.t), '0', '-1'])) as string[];
        members.push(...held);
        await sleep(10);
        span.end = Date.now();
      },
    });
    const payloads = [
      ...Array.from({ length: 8 }, (_, n) => ({ t: 'big', n })),
      ...Array.from({ length: 3 }, (_, n) => ({ t: 'small', n })),
    ];
    for (const p of payloads) await s.enqueue(job, p);
    const w1 = await startWorker(prefix, { jobs: [job], concurrency: 4 });
    const w2 = await startWorker(prefix, { jobs: [job], concurrency: 4 });
    await waitFor(async () => spans.filter((x) => x.end !== undefined).length === 11, '11 runs');
    expect(maxOverlap(spans.filter((x) => x.key === 'big')).max).toBe(1);
    expect(maxOverlap(spans.filter((x) => x.key === 'small')).max).toBe(1);
    expect(members.length).toBeGreaterThan(0);
    expect(members.every((m) => m.startsWith('f:'))).toBe(true);
    // round-robin: the small tenant finishes while the big one still has jobs to start
    const lastSmall = Math.max(...spans.filter((x) => x.key === 'small').map((x) => x.start));
    const lastBig = Math.max(...spans.filter((x) => x.key === 'big').map((x) => x.start));
    expect(lastSmall).toBeLessThan(lastBig);
    for (const t of ['big', 'small']) {
      await waitFor(
        async () => Number(await s.connection.send(['ZCARD', keys.flowOf('gk').keySlots(t)])) === 0,
        `${t} slots given back`,
      );
    }
    await Promise.all([w1.stop(), w2.stop()]);
    await s.close();
  });
});

describe('debounce and throttle with a priority or group', () => {
  it('is refused at defineJob and at enqueue with a one-line error naming both fields', async () => {
    const handler = () => {};
    expect(() => defineJob({ name: 'd1', priority: 'high', debounce: { key: 'x', period: 100 }, handler })).toThrow(
      'job "d1": debounce and priority cannot be combined',
    );
    expect(() =>
      defineJob({ name: 't1', group: (p: { t: string }) => p.t, throttle: { key: 'x', period: 100 }, handler }),
    ).toThrow('job "t1": throttle and group cannot be combined');
    const s = await producer(uniquePrefix());
    const plain = defineJob({ name: 'dp', debounce: { key: 'x', period: 100 }, handler });
    await expect(s.enqueue(plain, {}, { priority: 'low' })).rejects.toThrow(
      'enqueue: debounce and priority cannot be combined',
    );
    await expect(s.enqueue('tp', {}, { group: 'g', throttle: { key: 'x', period: 100 } })).rejects.toThrow(
      'enqueue: throttle and group cannot be combined',
    );
    // normal priority is the default stream: allowed
    expect((await s.enqueue(plain, {}, { priority: 'normal' })).skipped).toBeUndefined();
    await s.close();
  });
});
