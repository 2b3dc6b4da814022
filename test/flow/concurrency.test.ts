/**
 * Global and per-key concurrency in one process with two workers: never exceeded (checked over the handlers'
 * timestamps), every job runs, and a slot comes back after a retry, a timeout, a dead letter and a shutdown.
 */
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { sleep, uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startWorker } from '../worker/harness.js';
import { maxOverlap, type Span } from './checker.js';

/** Redis state of the flow keys of `job` on queue `q`: slots held and waiters. */
async function flowState(s: Awaited<ReturnType<typeof producer>>, q: string, job: string, key?: string) {
  const fk = s.keys(q).flowOf(job);
  const slots = key ? fk.keySlots(key) : fk.slots;
  const waiting = key ? fk.keyWaiting(key) : fk.waiting;
  return {
    slots: Number(await s.connection.send(['ZCARD', slots])),
    waiting: Number(await s.connection.send(['ZCARD', waiting])),
  };
}

describe('global and per-key concurrency', () => {
  it('a job without flow control writes no flow state (no slot, no counter, no hold on its delivery)', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    let n = 0;
    const job = defineJob({ name: 'plain', handler: () => void n++ });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 5 });
    await s.enqueueMany(
      job,
      Array.from({ length: 20 }, () => ({})),
    );
    await waitFor(async () => n === 20, '20 runs');
    const keys = (await s.connection.send(['KEYS', `${prefix}:{plain}:*`])) as string[];
    expect(keys.filter((k) => k.includes(':fc:') || k.endsWith(':flow'))).toEqual([]);
    expect((await s.stats('plain'))[0]?.flow).toEqual({
      queued: 0,
      delayed: 0,
      skipped: 0,
      debounced: 0,
      throttled: 0,
    });
    await w.stop();
    await s.close();
  });

  it('two workers of concurrency 5 run at most 2 at once (global: 2); every job runs once', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const spans: Span[] = [];
    const job = defineJob({
      name: 'g',
      concurrency: { global: 2 },
      handler: async (p: { n: number }) => {
        const span: Span = { key: '', start: Date.now(), end: undefined };
        spans.push(span);
        await sleep(20 + (p.n % 3) * 10);
        span.end = Date.now();
      },
    });
    const w1 = await startWorker(prefix, { jobs: [job], concurrency: 5 });
    const w2 = await startWorker(prefix, { jobs: [job], concurrency: 5 });
    const queued = record('job:queued', w1, w2);
    await s.enqueueMany(
      job,
      Array.from({ length: 40 }, (_, n) => ({ n })),
    );
    await waitFor(async () => spans.filter((x) => x.end !== undefined).length === 40, '40 runs');
    expect(maxOverlap(spans).max).toBe(2);
    expect(queued.length).toBeGreaterThan(0);
    expect((await s.stats('g'))[0]).toMatchObject({ ready: 0, delayed: 0 });
    await waitFor(async () => (await flowState(s, 'g', 'g')).slots === 0, 'slots given back');
    expect(await flowState(s, 'g', 'g')).toEqual({ slots: 0, waiting: 0 });
    await Promise.all([w1.stop(), w2.stop()]);
    await s.close();
  });

  it('per key: at most 1 run per tenant at once, tenants in parallel', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const spans: Span[] = [];
    const job = defineJob({
      name: 'k',
      concurrency: { perKey: 1, key: (p: { tenant: string }) => p.tenant },
      handler: async (p: { tenant: string }) => {
        const span: Span = { key: p.tenant, start: Date.now(), end: undefined };
        spans.push(span);
        await sleep(15);
        span.end = Date.now();
      },
    });
    const w1 = await startWorker(prefix, { jobs: [job], concurrency: 8 });
    const w2 = await startWorker(prefix, { jobs: [job], concurrency: 8 });
    await s.enqueueMany(
      job,
      Array.from({ length: 60 }, (_, n) => ({ tenant: `t${n % 4}` })),
    );
    await waitFor(async () => spans.filter((x) => x.end !== undefined).length === 60, '60 runs');
    expect(maxOverlap(spans, { byKey: true }).max).toBe(1);
    expect(maxOverlap(spans).max).toBeGreaterThan(1);
    for (const t of ['t0', 't1', 't2', 't3'])
      await waitFor(async () => (await flowState(s, 'k', 'k', t)).slots === 0, `slots of ${t} given back`);
    await Promise.all([w1.stop(), w2.stop()]);
    await s.close();
  });

  it('a retry, a timeout and a dead letter give the slot back; the next job takes it', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const runs: string[] = [];
    const job = defineJob({
      name: 'r',
      concurrency: { global: 1 },
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
      timeout: 100,
      handler: async (p: { mode: string }, ctx) => {
        runs.push(`${p.mode}:${ctx.attempt}`);
        if (p.mode === 'fail') throw new Error('boom');
        if (p.mode === 'hang') await new Promise((r) => ctx.signal.addEventListener('abort', r));
      },
    });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 4 });
    const dead = record('job:dead', w);
    for (const mode of ['fail', 'hang', 'ok']) await s.enqueue(job, { mode });
    await waitFor(async () => dead.length === 2 && runs.includes('ok:1'), 'two dead, one ok');
    expect(runs.filter((r) => r.startsWith('fail')).sort()).toEqual(['fail:1', 'fail:2']);
    await waitFor(async () => (await flowState(s, 'r', 'r')).slots === 0, 'slot given back');
    await w.stop();
    await s.close();
  });

  it('shutdown hands a running job back with its slot; another worker runs it', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const done: number[] = [];
    const job = defineJob({
      name: 'sd',
      concurrency: { global: 1 },
      handler: async (_p: { n: number }, ctx) => {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, 3000);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(ctx.signal.reason);
          });
        });
        done.push(ctx.attempt);
      },
    });
    const w1 = await startWorker(prefix, { jobs: [job], shutdownGrace: 50 });
    const started = record('job:started', w1);
    await s.enqueue(job, { n: 1 });
    await waitFor(async () => started.length === 1, 'started');
    await w1.stop();
    expect(await flowState(s, 'sd', 'sd')).toEqual({ slots: 0, waiting: 0 });
    const w2 = await startWorker(prefix, { jobs: [job] });
    await waitFor(async () => done.length === 1, 'run by the second worker', 10_000);
    expect(done).toEqual([1]);
    await w2.stop();
    await s.close();
  });
});
