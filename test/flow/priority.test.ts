/**
 * Priorities on a real Redis: a worker starts every ready job of a higher priority first (strict: a constant
 * high-priority load starves low, docs/flow-control.md "Priorities"); retries, dead letters and redrive keep a
 * job's priority; getJob and stats see the lanes; a worker started before the first high job learns the lane.
 */
import { defineJob } from '@sluice/core';
import { GROUP, queueLanes, readLanes, readOrder } from '@sluice/core/internal';
import { drain } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { redisUrl, uniquePrefix, waitFor } from '../helpers.js';
import { producer, startWorker } from '../worker/harness.js';

type P = { n: number; p: 'high' | 'normal' | 'low' };

describe('priorities', () => {
  it('starts every ready high job before any normal one, and normal before low (one slot)', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const order: P[] = [];
    const job = defineJob({ name: 'prio', handler: (p: P) => void order.push(p) });
    const payloads: P[] = [];
    for (let n = 0; n < 60; n++) payloads.push({ n, p: (['low', 'normal', 'high'] as const)[n % 3] as P['p'] });
    for (const p of payloads) await s.enqueue(job, p, { priority: p.p });
    // listJobs pages through one stream: the default one (normal), or a lane's
    const high = await s.listJobs('prio', { state: 'ready', lane: 'high', limit: 100 });
    expect(high.jobs.map((j) => j.priority)).toEqual(Array(20).fill('high'));
    expect((await s.listJobs('prio', { state: 'ready', limit: 100 })).jobs).toHaveLength(20);
    await expect(s.listJobs('prio', { state: 'ready', lane: 'top' as 'high' })).rejects.toThrow(
      'lane must be one of high, fair, low; got "top"',
    );
    const w = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    await waitFor(() => order.length === 60, 'all ran');
    expect(order.map((p) => p.p)).toEqual([
      ...Array(20).fill('high'),
      ...Array(20).fill('normal'),
      ...Array(20).fill('low'),
    ]);
    // FIFO within a level
    for (const level of ['high', 'normal', 'low']) {
      const ns = order.filter((p) => p.p === level).map((p) => p.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
    await w.stop();
    await s.close();
  });

  it('strict: a low job waits while high jobs keep coming (starvation, by design)', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const order: string[] = [];
    let made = 0;
    const job = defineJob({
      name: 'busy',
      priority: 'high',
      handler: async (p: { kind: string }, ctx) => {
        order.push(p.kind);
        // every high job enqueues the next one while the load lasts: high is never empty until 50 ran
        if (p.kind === 'high' && made < 50) {
          made++;
          await ctx.enqueue(job, { kind: 'high' });
        }
      },
    });
    await s.enqueue(job, { kind: 'low' }, { priority: 'low' });
    await s.enqueue(job, { kind: 'high' });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    await waitFor(() => order.includes('low'), 'low ran at last');
    expect(order.indexOf('low')).toBe(51);
    expect(order.filter((k) => k === 'high')).toHaveLength(51);
    await w.stop();
    await s.close();
  });

  it('learns a lane from the wake marker when the first high job comes after the worker started', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const ran: string[] = [];
    const job = defineJob({ name: 'late', handler: (p: { k: string }) => void ran.push(p.k) });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 2 });
    await s.enqueue(job, { k: 'n1' });
    await waitFor(() => ran.length === 1, 'normal ran');
    await s.enqueue(job, { k: 'h1' }, { priority: 'high' });
    await s.enqueue(job, { k: 'l1' }, { priority: 'low' });
    await waitFor(() => ran.length === 3, 'high and low ran');
    expect(new Set(ran)).toEqual(new Set(['n1', 'h1', 'l1']));
    await w.stop();
    await s.close();
  });

  it('every worker learns a new lane, not only the one that read its wake marker', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    let running = 0;
    let most = 0;
    const job = defineJob({
      name: 'both',
      handler: async () => {
        running++;
        most = Math.max(most, running);
        // hold the slot until the other worker runs one too (bounded: the test fails on `most`, not on time)
        await waitFor(() => most >= 2, 'the other worker to start a high job', 8000).catch(() => {});
        running--;
      },
    });
    const a = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    const b = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    await s.enqueue(job, {}, { priority: 'high' });
    await s.enqueue(job, {}, { priority: 'high' });
    await waitFor(async () => (await s.stats('both'))[0]?.ready === 0 && running === 0, 'both ran', 20_000);
    expect(most).toBe(2);
    await a.stop();
    await b.stop();
    await s.close();
  });

  it('a retried, dead-lettered and redriven job keeps its priority; getJob and stats show it', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const runs: { attempt: number; k: string }[] = [];
    let fail = true;
    const job = defineJob({
      name: 'keep',
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 30 } },
      handler: (p: { k: string }, ctx) => {
        runs.push({ attempt: ctx.attempt, k: p.k });
        if (fail) throw new Error('boom');
      },
    });
    const { id } = await s.enqueue(job, { k: 'h' }, { priority: 'high' });
    expect(await s.getJob('keep', id)).toMatchObject({ id, state: 'ready', priority: 'high' });
    const [st] = await s.stats('keep');
    expect(st?.ready).toBe(1);
    expect(st?.priorities).toMatchObject({ high: { ready: 1, running: 0 }, normal: { ready: 0 }, low: { ready: 0 } });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    await waitFor(async () => (await s.getJob('keep', id))?.state === 'dead', 'dead after 2 attempts');
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    const dead = await s.getJob('keep', id);
    expect(dead?.priority).toBe('high');
    await w.stop();
    // redrive: back to the high stream, ahead of a normal job enqueued before it
    fail = false;
    await s.enqueue(job, { k: 'n' });
    expect(await s.retryJob('keep', id)).toBe('moved');
    expect(await s.getJob('keep', id)).toMatchObject({ state: 'ready', priority: 'high' });
    runs.length = 0;
    const w2 = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    await waitFor(() => runs.length === 2, 'both ran');
    expect(runs.map((r) => r.k)).toEqual(['h', 'n']);
    await waitFor(async () => (await s.stats('keep'))[0]?.ready === 0, 'drained');
    const [after] = await s.stats('keep');
    expect(after).toMatchObject({ ready: 0, running: 0 });
    await w2.stop();
    await s.close();
  });

  it('drain() reads lanes highest first and counts what is left in them', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const order: string[] = [];
    const job = defineJob({ name: 'dr', handler: (p: { k: string }) => void order.push(p.k) });
    await s.enqueue(job, { k: 'low' }, { priority: 'low' });
    await s.enqueue(job, { k: 'g' }, { group: 't' });
    await s.enqueue(job, { k: 'normal' });
    await s.enqueue(job, { k: 'high' }, { priority: 'high' });
    const logger = { level: process.env.TEST_LOG_LEVEL ?? 'silent' };
    const r = await drain({ url: redisUrl(), prefix, jobs: [job], concurrency: 1, budgetMs: 10_000, logger });
    expect(order).toEqual(['high', 'normal', 'g', 'low']);
    expect(r).toMatchObject({ processed: 4, remaining: 0, stoppedBecause: 'empty' });
    await s.close();
  });

  it("reclaims a dead consumer's jobs on every lane after the lease", async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const ran: string[] = [];
    const job = defineJob({ name: 'rc', handler: (p: { k: string }) => void ran.push(p.k) });
    await s.enqueue(job, { k: 'high' }, { priority: 'high' });
    await s.enqueue(job, { k: 'normal' });
    await s.enqueue(job, { k: 'g' }, { group: 't' });
    await s.enqueue(job, { k: 'low' }, { priority: 'low' });
    // a consumer that reads every lane and dies
    const k = s.keys('rc');
    const lanes = await queueLanes(s.connection, k);
    const order = readOrder(k, lanes);
    for (const lk of order) await s.streams.xgroupCreate(lk.stream, GROUP, '0', { mkStream: true }).catch(() => {});
    const taken = await readLanes(s.connection, k, order, 'dead-consumer', 10);
    // the four jobs (and the `wake` markers their first enqueue into each lane wrote)
    expect(taken.flatMap((r) => r.entries).filter((e) => e.fields?.wake === undefined)).toHaveLength(4);
    const w = await startWorker(prefix, { jobs: [job], concurrency: 4 });
    await waitFor(() => ran.length === 4, 'all four reclaimed and run');
    expect(new Set(ran)).toEqual(new Set(['high', 'normal', 'g', 'low']));
    await waitFor(async () => (await s.stats('rc'))[0]?.running === 0, 'acked');
    await w.stop();
    await s.close();
  });

  it('refuses a bad priority and a group with a priority, naming the field', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'bad', handler: () => {} });
    await expect(s.enqueue(job, {}, { priority: 'urgent' as 'high' })).rejects.toThrow(
      'enqueue: priority must be one of high, normal, low; got "urgent"',
    );
    await expect(s.enqueue(job, {}, { priority: 'high', group: 't1' })).rejects.toThrow(/group and priority/);
    expect(() => defineJob({ name: 'x', priority: 'top' as 'high', handler: () => {} })).toThrow(
      'job "x": priority must be one of high, normal, low; got "top"',
    );
    await s.close();
  });
});
