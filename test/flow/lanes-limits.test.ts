/**
 * Priorities and fair groups together with concurrency slots and rate limits (docs/flow-control.md, "Combining"):
 * slot members name their lane (auto ids of two streams can be equal), a parked job comes back onto its own lane,
 * high waiters get a freed slot first, and debounce/throttle with a priority or group is refused.
 */

import type { QueueKeys } from '@sluice/core';
import { defineJob } from '@sluice/core';
import {
  ackRelease,
  deadLetter,
  envelopeFields,
  flowStart,
  GROUP,
  type JobEnvelope,
  retryLater,
} from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { conn, env, k as scriptKeys, send, useScriptQueue } from '../core/script-harness.js';
import { sleep, uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startWorker } from '../worker/harness.js';
import { maxOverlap, type Span } from './checker.js';

/** XADD `e` with the explicit id `id` to `stream` and deliver it to consumer `c`; the Delivery. */
async function deliverAt(keys: QueueKeys, id: string, e: JobEnvelope, c: string) {
  await send('XGROUP', 'CREATE', keys.stream, GROUP, '0', 'MKSTREAM').catch(() => undefined);
  await send('XADD', keys.stream, id, ...envelopeFields(e));
  await send('XREADGROUP', 'GROUP', GROUP, c, 'COUNT', '1', 'STREAMS', keys.stream, '>');
  return { entryId: id, deliveries: 1 };
}

describe('slots on lanes (scripts)', () => {
  useScriptQueue();

  it('equal entry ids on the default and the high stream hold two slots; releasing one keeps the other', async () => {
    const k = scriptKeys;
    const slots = k.flowOf('email').slots;
    const scope = { slots, waiting: k.flowOf('email').waiting, limit: 2 };
    const normal = await deliverAt(k, '5-0', env(), 'c');
    const high = await deliverAt(k.inLane('high'), '5-0', env({ lane: 'high' }), 'c');
    const r1 = await flowStart(conn, k, 'c', normal, env(), 30_000, [scope], undefined);
    const r2 = await flowStart(conn, k.inLane('high'), 'c', high, env({ lane: 'high' }), 30_000, [scope], undefined);
    expect([r1, r2].map((r) => r.ok && r.outcome)).toEqual(['started', 'started']);
    expect(((await send('ZRANGE', slots, '0', '-1')) as string[]).sort()).toEqual(['5-0', 'h:5-0']);
    // a third run (low) finds both slots busy and is parked as queued
    const low = await deliverAt(k.inLane('low'), '5-0', env({ lane: 'low' }), 'c');
    const r3 = await flowStart(
      conn,
      k.inLane('low'),
      'c',
      low,
      env({ id: 'low-job', lane: 'low' }),
      30_000,
      [scope],
      undefined,
    );
    expect(r3.ok && r3.outcome).toBe('queued');
    // the high run finishes: its slot (not the default stream's) is released and handed to the low waiter,
    // which goes back onto the low stream holding the slot as l:<its new id>
    const hold = r2.ok && r2.outcome === 'started' ? r2.hold : [];
    expect(await ackRelease(conn, k.inLane('high'), 'c', { ...high, hold })).toEqual({ ok: true });
    const members = (await send('ZRANGE', slots, '0', '-1')) as string[];
    expect(members).toContain('5-0');
    const lowEntries = (await send('XRANGE', k.inLane('low').stream, '-', '+')) as [string, string[]][];
    const moved = lowEntries.find(([, f]) => f.includes('low-job'));
    expect(moved).toBeDefined();
    expect(members).toContain(`l:${moved?.[0]}`);
    expect(await send('ZCARD', k.delayed)).toBe(0);
  });

  it('a retry of a high run releases its h: slot, not the default entry with the same id', async () => {
    const k = scriptKeys;
    const scope = { slots: k.flowOf('email').slots, waiting: k.flowOf('email').waiting, limit: 5 };
    const normal = await deliverAt(k, '7-0', env(), 'c');
    const e = env({ lane: 'high' });
    const high = await deliverAt(k.inLane('high'), '7-0', e, 'c');
    await flowStart(conn, k, 'c', normal, env(), 30_000, [scope], undefined);
    const r = await flowStart(conn, k.inLane('high'), 'c', high, e, 30_000, [scope], undefined);
    const hold = r.ok && r.outcome === 'started' ? r.hold : [];
    const next = { ...e, attempt: 2 };
    expect((await retryLater(conn, k.inLane('high'), 'c', { ...high, hold }, 0, next)).ok).toBe(true);
    expect(await send('ZRANGE', scope.slots, '0', '-1')).toEqual(['7-0']);
    // delay 0: straight back onto the high stream
    expect(Number(await send('XLEN', k.inLane('high').stream))).toBe(1);
  });

  it('a dead letter of a fair-lane run releases its f: slot and hands it to a waiter, which goes back onto its lane', async () => {
    const k = scriptKeys;
    const scope = { slots: k.flowOf('email').slots, waiting: k.flowOf('email').waiting, limit: 1 };
    const e = env({ lane: 'fair', group: 'g1' });
    const fair = await deliverAt(k.inLane('fair'), '9-0', e, 'c');
    const r = await flowStart(conn, k.inLane('fair'), 'c', fair, e, 30_000, [scope], undefined);
    const hold = r.ok && r.outcome === 'started' ? r.hold : [];
    expect(await send('ZRANGE', scope.slots, '0', '-1')).toEqual(['f:9-0']);
    const high = await deliverAt(k.inLane('high'), '9-0', env({ lane: 'high' }), 'c');
    const q = await flowStart(
      conn,
      k.inLane('high'),
      'c',
      high,
      env({ id: 'hi', lane: 'high' }),
      30_000,
      [scope],
      undefined,
    );
    expect(q.ok && q.outcome).toBe('queued');
    const dl = { fields: {}, reason: 'failed' as const, error: 'boom', attempts: 1, failedAt: 1 };
    expect((await deadLetter(conn, k.inLane('fair'), 'c', { ...fair, hold }, dl)).ok).toBe(true);
    const highEntries = (await send('XRANGE', k.inLane('high').stream, '-', '+')) as [string, string[]][];
    const moved = highEntries.find(([, f]) => f.includes('hi'));
    expect(await send('ZRANGE', scope.slots, '0', '-1')).toEqual([`h:${moved?.[0]}`]);
    expect(Number(await send('XLEN', k.stream))).toBe(0);
  });
});

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
