/** Worker runtime on a real Redis: concurrency, pause, shutdown, reconnects, reclaim, cron, durability warning. */
import { defineJob } from '@sluice/core';
import { createWorker } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { redisUrl, sleep, uniquePrefix, waitFor } from '../helpers.js';
import {
  abandonedJob,
  consumersOf,
  entryTrimmedWhilePending,
  jobFields,
  leaseRenewed,
  pendingIdleAtLeast,
  redeliveredJob,
} from '../queue-fixtures.js';
import { deadEntries, producer, record, startWorker, streamState } from './harness.js';

describe('worker runtime', () => {
  it("never runs more than `concurrency` handlers, nor more than a job's own concurrency", async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    let now = 0;
    let max = 0;
    let nowA = 0;
    let maxA = 0;
    const body = async () => {
      now++;
      max = Math.max(max, now);
      await sleep(40);
      now--;
    };
    const a = defineJob({
      name: 'a',
      queue: 'cq',
      concurrency: 1,
      handler: async () => {
        nowA++;
        maxA = Math.max(maxA, nowA);
        await body();
        nowA--;
      },
    });
    const b = defineJob({ name: 'b', queue: 'cq', handler: body });
    const w = await startWorker(prefix, { jobs: [a, b], concurrency: 3 });
    const ok = record('job:succeeded', w);
    await s.enqueueMany(a, [{}, {}, {}, {}]);
    await s.enqueueMany(
      b,
      Array.from({ length: 10 }, () => ({})),
    );
    await waitFor(() => ok.length === 14, '14 jobs');
    expect(max).toBe(3);
    expect(maxA).toBe(1);
    await w.stop();
    await s.close();
  });

  it('pause: takes no new jobs while paused; resume: runs them', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'p', handler: () => {} });
    await s.pause('p');
    const w = await startWorker(prefix, { jobs: [job] });
    const ok = record('job:succeeded', w);
    await s.enqueue(job, {});
    await sleep(400); // a window in which nothing may run (an absence, not a duration, is asserted)
    expect(ok).toHaveLength(0);
    await s.resume('p');
    await waitFor(() => ok.length === 1, 'runs after resume');
    await w.stop();
    await s.close();
  });

  it('graceful stop: finishes short jobs, hands back the rest at once (same attempt), removes the consumer; none lost or run twice', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const done: string[] = [];
    let slow = true;
    const job = defineJob({
      name: 'g',
      handler: async (p: { ms: number }, ctx) => {
        if (slow && p.ms > 100) {
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, p.ms);
            ctx.signal.addEventListener('abort', () => {
              clearTimeout(t);
              reject(ctx.signal.reason);
            });
          });
        }
        done.push(`${ctx.jobId}:${ctx.attempt}`);
      },
    });
    const w1 = await startWorker(prefix, { jobs: [job], shutdownGrace: 300, lease: 5000 });
    const started = record('job:started', w1);
    const ids = await s.enqueueMany(job, [{ ms: 50 }, { ms: 50 }, { ms: 5000 }, { ms: 5000 }]);
    await waitFor(() => started.length === 4, 'all four running');
    await w1.stop();
    expect(done).toHaveLength(2); // the 5 s jobs were aborted after the 300 ms grace, not waited for
    const k = s.keys('g');
    expect(await streamState(s, k)).toEqual({ len: 2, pending: 0 });
    expect(await consumersOf(s.connection, k)).toHaveLength(0);
    slow = false;
    const w2 = await startWorker(prefix, { jobs: [job] });
    await waitFor(() => done.length === 4, 'the handed-back jobs finish');
    expect(new Set(done.map((d) => d.split(':')[0]))).toEqual(new Set(ids.map((i) => i.id)));
    expect(done.every((d) => d.endsWith(':1'))).toBe(true); // handed back with the same attempt
    await w2.stop();
    expect(await streamState(s, k)).toEqual({ len: 0, pending: 0 });
    await s.close();
  });

  it('Redis connections killed with CLIENT KILL: the worker resumes by itself', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'k', handler: () => {} });
    const w = await startWorker(prefix, { jobs: [job] });
    const ok = record('job:succeeded', w);
    await s.enqueue(job, {});
    await waitFor(() => ok.length === 1, 'first job');
    const list = String(await s.connection.send(['CLIENT', 'LIST']));
    const mine = list
      .split('\n')
      .filter((l) => l.includes(` name=sluice:${w.consumer}`) || l.includes(` name=sluice-cancels:${w.consumer}`))
      .map((l) => /id=(\d+)/.exec(l)?.[1] as string);
    expect(mine.length).toBe(3); // main + blocking + the cancel subscriber
    for (const id of mine) await s.connection.send(['CLIENT', 'KILL', 'ID', id]);
    await s.enqueue(job, {});
    await s.enqueue(job, {}, { delay: 100 });
    await waitFor(() => ok.length === 3, 'jobs after the kill');
    await w.stop();
    expect(await streamState(s, s.keys('k'))).toEqual({ len: 0, pending: 0 });
    await s.close();
  });

  it("reclaims a dead consumer's job after the lease; poison past maxDeliveries; trimmed entries reported as lost", async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const ran: number[] = [];
    const job = defineJob({
      name: 'r',
      handler: (_p: unknown, ctx) => {
        ran.push(ctx.attempt);
      },
    });
    const k = s.keys('r');
    const c = s.connection;
    // 'crashed' took job A and died; 'trimmed' took job T, which an operator then trimmed away.
    await abandonedJob(c, k, jobFields('A', 'r'), 'crashed');
    // 'looper' holds job P, already delivered twice (maxDeliveries 2): the next claim makes it poison.
    await redeliveredJob(c, k, jobFields('P', 'r'), 'looper');
    const t = await entryTrimmedWhilePending(c, k, jobFields('T', 'r'), 'trimmed');
    // every lease (300 ms) has run out by Redis's clock before the worker starts
    await pendingIdleAtLeast(c, k, 300);
    const w = await startWorker(prefix, { jobs: [job], lease: 300, maxDeliveries: 2 });
    const ok = record('job:succeeded', w);
    const lost = record('job:lost', w);
    const dead = record('job:dead', w);
    await waitFor(() => ok.length === 1 && lost.length === 1 && dead.length === 1, 'reclaim sweep');
    expect(ok[0]).toMatchObject({ jobId: 'A' });
    expect(lost[0]).toEqual({ queue: 'r', entryId: t, reason: 'trimmed' });
    expect(dead[0]).toMatchObject({ jobId: 'P', reason: 'poison' });
    expect(await deadEntries(s, 'r')).toMatchObject([
      // the trimmed entry leaves a tombstone, so queue stats and `dead list` show the loss
      { reason: 'lost', entryId: t, error: expect.stringMatching(/deleted from the stream/) },
      { id: 'P', reason: 'poison', error: expect.stringMatching(/delivered 3 times/) },
    ]);
    await w.stop();
    expect(await streamState(s, k)).toEqual({ len: 0, pending: 0 });
    await s.close();
  });

  it("renews every running job's lease: long jobs are not reclaimed by another worker", async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const k = s.keys('long');
    const runs: string[] = [];
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const job = defineJob({
      name: 'long',
      handler: async (_p: unknown, ctx) => {
        runs.push(ctx.jobId);
        await held;
      },
    });
    // A lease of 3 s, renewed every second: a renewal may come up to 2 s late (a stalled machine) and still hold.
    const w1 = await startWorker(prefix, { jobs: [job], lease: 3000 });
    const started = record('job:started', w1);
    await s.enqueueMany(job, [{}, {}, {}]);
    await waitFor(() => started.length === 3, 'w1 runs all three');
    const w2 = await startWorker(prefix, { jobs: [job], lease: 3000 });
    const lost = record('job:lease-lost', w1, w2);
    const ok = record('job:succeeded', w1, w2);
    // five renewals each: the jobs have run for more than a lease, with another worker sweeping for idle entries
    await leaseRenewed(s.connection, k, 3, 5);
    release();
    await waitFor(() => ok.length === 3, 'three done');
    expect(runs).toHaveLength(3);
    expect(lost).toHaveLength(0);
    await Promise.all([w1.stop(), w2.stop()]);
    await s.close();
  });

  it('three workers with the same cron enqueue one job per tick', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'tick', schedule: { cron: '* * * * * *', payload: { n: 1 } }, handler: () => {} });
    // The workers consume another queue, so the ticks stay in the stream to be counted.
    const ws = await Promise.all([1, 2, 3].map(() => startWorker(prefix, { jobs: [job], queues: ['elsewhere'] })));
    const k = s.keys('tick');
    // three ticks written: every worker has planned the same seconds at least twice
    await waitFor(async () => Number(await s.connection.send(['XLEN', k.stream], k.stream)) >= 3, 'three ticks');
    await Promise.all(ws.map((w) => w.stop()));
    const entries = (await s.streams.xrange(k.stream)).map((e) => e.fields);
    const ticks = entries.map((f) => Number(f.enqueuedAt));
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.every((t) => t % 1000 === 0)).toBe(true);
    expect(entries[0]).toMatchObject({ name: 'tick', data: '{"n":1}', attempt: '1' });
    await s.close();
  });

  it('a bad cron expression or time zone fails createWorker naming the job and field', async () => {
    const bad = defineJob({ name: 'report', schedule: { cron: '0 9 * * *', tz: 'Nowhere/City' }, handler: () => {} });
    await expect(createWorker({ url: redisUrl(), jobs: [bad] })).rejects.toThrow(
      /job "report": schedule\.tz "Nowhere\/City"/,
    );
    const bad2 = defineJob({ name: 'report', schedule: { cron: '0 9 * *' }, handler: () => {} });
    await expect(createWorker({ url: redisUrl(), jobs: [bad2] })).rejects.toThrow(
      /job "report": schedule\.cron must have 5 fields/,
    );
  });

  it('warns at start when Redis runs with appendonly no', async () => {
    const lines: string[] = [];
    const destination = { write: (line: string) => lines.push(line) };
    const job = defineJob({ name: 'd', handler: () => {} });
    const w = await startWorker(uniquePrefix(), { jobs: [job], logger: { level: 'warn', destination } });
    await w.stop();
    const s = await producer();
    const appendonly = JSON.stringify(await s.connection.send(['CONFIG', 'GET', 'appendonly']));
    await s.close();
    if (appendonly.includes('"no"')) expect(lines.join('')).toMatch(/appendonly no/);
    else expect(lines.join('')).not.toMatch(/appendonly no/);
  });
});
