/**
 * Priorities and fair groups together with concurrency and rate limits, on workers (docs/flow-control.md,
 * "Combining"): limits hold across lanes, high waiters get a freed slot first, a parked job keeps its lane, and
 * debounce/throttle with a priority or group is refused. The script-level slot tests are in lanes-slots.test.ts.
 * Priority order is the server's (reads and slot grants in a private Redis's AOF: grants.ts, slot-order.ts), not
 * handler start times, which a busy machine reorders.
 */

import { type AnyJob, createSluice, defineJob } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { createWorker, type Worker } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { deliveryInversions, firstDeliveries } from '../faults/flow-checker.js';
import { sleep, uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startTracked, startWorker, testKnobs } from '../worker/harness.js';
import { maxOverlap, type Span } from './checker.js';
import { aofCommands, startLoggedRedis } from './grants.js';
import { priorityInversions, type SlotGrant, slotGrants } from './slot-order.js';

/** XPENDING count of `stream` (0 when it has no group yet). */
const pending = async (s: Awaited<ReturnType<typeof producer>>, stream: string) =>
  Number(((await s.connection.send(['XPENDING', stream, GROUP]).catch(() => [0])) as [number])[0]);

/**
 * A private redis-server logging every write (grants.ts), a producer on it, and workers of one job there
 * (concurrency 5). Their lease (10 s) only keeps parked jobs from their fallback promotion, so the slots go through
 * the hand-off under test (fc_wake) on a machine that stalls. `close` stops all of it.
 */
async function logged() {
  const redis = await startLoggedRedis();
  const prefix = uniquePrefix();
  const s = await createSluice({ url: redis.url, prefix });
  const workers: Worker[] = [];
  const worker = async (job: AnyJob) => {
    const w = await createWorker({
      ...testKnobs(),
      url: redis.url,
      prefix,
      jobs: [job],
      concurrency: 5,
      lease: 10_000,
    });
    workers.push(w);
    return startTracked(w);
  };
  const close = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await s.close();
    await redis.stop();
  };
  return { redis, s, worker, close };
}

/** The grants, one line, for a failure message. */
const grantsText = (grants: readonly SlotGrant[]) =>
  grants.map((g) => `${g.lane[0]}${g.highWaiting > 0 ? `(${g.highWaiting}h waiting)` : ''}`).join(',');

describe('priorities and groups with concurrency and rate limits (workers)', () => {
  it('priority + global 2 over two workers: never more than 2 at once, high jobs get the slots before low ones', async () => {
    const { redis, s, worker, close } = await logged();
    try {
      const spans: Span[] = [];
      const job = defineJob({
        name: 'pg',
        concurrency: { global: 2 },
        handler: async (p: { n: number; p: 'high' | 'low' }) => {
          const span: Span = { key: '', start: Date.now(), end: undefined };
          spans.push(span);
          await sleep(10 + (p.n % 3) * 5);
          span.end = Date.now();
        },
      });
      // low first, then high: all ready before any worker reads
      for (let n = 0; n < 15; n++) await s.enqueue(job, { n, p: 'low' }, { priority: 'low' });
      for (let n = 0; n < 15; n++) await s.enqueue(job, { n, p: 'high' }, { priority: 'high' });
      const k = s.keys('pg');
      const lane = (x: string) =>
        x === k.inLane('high').stream ? 'high' : x === k.inLane('low').stream ? 'low' : undefined;
      const ready = new Set(
        aofCommands(redis)
          .filter((c) => c[0]?.toUpperCase() === 'XADD' && lane(c[1] as string))
          .map((c) => `${c[1]} ${c[2]}`),
      );
      expect(ready.size).toBe(30);
      const w1 = await worker(job);
      const w2 = await worker(job);
      const queued = record('job:queued', w1, w2);
      await waitFor(async () => spans.filter((x) => x.end !== undefined).length === 30, '30 runs');
      expect(maxOverlap(spans).max).toBe(2);
      expect(queued.length).toBeGreaterThan(0);
      const aof = aofCommands(redis);
      // the reads (read-lanes), in the server's order: no low job of the backlog delivered before the last high
      const reads = deliveryInversions(
        firstDeliveries(aof).filter((d) => ready.has(`${d.stream} ${d.id}`)),
        lane,
      );
      expect(reads).toEqual({ highs: 15, lows: 15, lowsBeforeLastHigh: 0 });
      // the slots (flow-start, fc_wake), in the server's order: none went to a low job while a high one waited
      const fk = k.flowOf('pg');
      const grants = slotGrants(aof, fk.slots, fk.waiting);
      expect(priorityInversions(grants), grantsText(grants)).toEqual({ high: 15, low: 15, inversions: 0 });
      await waitFor(async () => Number(await s.connection.send(['ZCARD', fk.slots])) === 0, 'slots given back');
      expect(Number(await s.connection.send(['ZCARD', fk.waiting]))).toBe(0);
    } finally {
      await close();
    }
  });

  it('a freed slot goes to a waiting high job before low jobs that waited longer', async () => {
    const { redis, s, worker, close } = await logged();
    try {
      let runs = 0;
      const job = defineJob({
        name: 'pw',
        concurrency: { global: 2 },
        handler: async () => {
          await sleep(15);
          runs++;
        },
      });
      await worker(job);
      await worker(job);
      await s.enqueueMany(
        job,
        Array.from({ length: 20 }, () => ({ p: 'low' as const })),
        { priority: 'low' },
      );
      // low jobs wait for a slot before any high job exists
      const fk = s.keys('pw').flowOf('pw');
      await waitFor(async () => Number(await s.connection.send(['ZCARD', fk.waiting])) >= 5, 'low jobs waiting');
      await s.enqueueMany(
        job,
        Array.from({ length: 10 }, () => ({ p: 'high' as const })),
        { priority: 'high' },
      );
      await waitFor(async () => runs === 30, '30 runs');
      // in the server's order: no slot went to a low job while a high one waited, and high jobs were handed
      // slots while low jobs that had waited longer were still waiting
      const grants = slotGrants(aofCommands(redis), fk.slots, fk.waiting);
      expect(priorityInversions(grants), grantsText(grants)).toEqual({ high: 10, low: 20, inversions: 0 });
      expect(grants.some((g) => g.lane === 'high' && g.lowWaiting > 0)).toBe(true);
    } finally {
      await close();
    }
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
