/**
 * Fair groups on a real Redis: jobs with a group key are served round-robin across keys, so a small key's jobs
 * finish while a big key still has most of its backlog; a job keeps its group through a retry; getJob and stats
 * see the jobs still waiting in the fair set.
 */
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, startWorker } from '../worker/harness.js';

type G = { tenant: string; n: number };

describe('fair groups', () => {
  it('a key with 10 jobs finishes while another key still has most of its 400 waiting', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const done: G[] = [];
    let bigWhenSmallDone = -1;
    const job = defineJob({
      name: 'sync',
      group: (p: G) => p.tenant,
      handler: (p: G) => {
        done.push(p);
        const count = (t: string) => done.filter((d) => d.tenant === t).length;
        if (p.tenant === 'small' && count('small') === 10) bigWhenSmallDone = count('big');
      },
    });
    await s.enqueueMany(
      job,
      Array.from({ length: 400 }, (_, n) => ({ tenant: 'big', n })),
    );
    for (let n = 0; n < 10; n++) await s.enqueue(job, { tenant: 'small', n });
    const [st] = await s.stats('sync');
    expect(st?.priorities?.waitingInGroups).toBe(410);
    expect(st?.ready).toBe(410);
    const w = await startWorker(prefix, { jobs: [job], concurrency: 4 });
    await waitFor(() => bigWhenSmallDone >= 0, 'small finished');
    // round-robin: one big job per small one, plus what was in flight (4 slots)
    expect(bigWhenSmallDone).toBeLessThanOrEqual(10 + 4);
    await waitFor(() => done.length === 410, 'all finished', 30_000);
    // FIFO within a key
    for (const t of ['big', 'small']) {
      const ns = done.filter((d) => d.tenant === t).map((d) => d.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
    await waitFor(async () => (await s.stats('sync'))[0]?.running === 0, 'acked');
    // a group's round entry goes with its last job: only `cur` is left
    const rounds = s.keys('sync').fairRounds;
    expect(Number(await s.connection.send(['HLEN', rounds], rounds))).toBe(1);
    expect(Number(await s.connection.send(['HEXISTS', rounds, 'cur'], rounds))).toBe(1);
    await w.stop();
    await s.close();
  });

  it('serves three keys round-robin (one slot), whatever order they were enqueued in', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const order: string[] = [];
    const job = defineJob({ name: 'rr', handler: (p: G) => void order.push(p.tenant) });
    for (const t of ['a', 'b', 'c']) {
      for (let n = 0; n < 5; n++) await s.enqueue(job, { tenant: t, n }, { group: t });
    }
    const w = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    await waitFor(() => order.length === 15, 'all ran');
    for (let r = 0; r < 5; r++) expect(new Set(order.slice(r * 3, r * 3 + 3))).toEqual(new Set(['a', 'b', 'c']));
    await w.stop();
    await s.close();
  });

  it('a grouped job waits in the fair set (getJob: ready, with its group) and keeps its group through a retry', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const runs: number[] = [];
    const job = defineJob({
      name: 'g1',
      retry: { attempts: 3, backoff: { type: 'fixed', delay: 20 } },
      handler: (_p: G, ctx) => {
        runs.push(ctx.attempt);
        if (ctx.attempt < 2) throw new Error('once');
      },
    });
    const { id } = await s.enqueue(job, { tenant: 't', n: 0 }, { group: 't' });
    expect(await s.getJob('g1', id)).toMatchObject({ id, state: 'ready', group: 't' });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    await waitFor(() => runs.length === 2, 'retried and succeeded');
    await waitFor(async () => (await s.getJob('g1', id)) === null, 'finished');
    expect(runs).toEqual([1, 2]);
    await w.stop();
    await s.close();
  });

  it('refuses a bad group key, naming the field', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'bad', group: () => '', handler: () => {} });
    await expect(s.enqueue(job, {})).rejects.toThrow('job "bad": group(payload) must be a string of 1-200 characters');
    await expect(s.enqueue('bad', {}, { group: 'a\u0007' })).rejects.toThrow('enqueue: group must be a string');
    await s.close();
  });
});
