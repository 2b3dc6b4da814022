/**
 * Results (issue 15): opt-in retention of finished jobs (`keep`), getJob/listJobs `completed`, the count and age
 * bounds, and `waitFor` (result, final error after retries, timeout, not kept). Nothing is kept by default.
 */
import { defineJob, type Sluice, WaitForError } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { uniquePrefix, WAIT_MS, waitFor } from '../helpers.js';
import { producer, record, startWorker } from './harness.js';

let stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stop.reverse()) await s();
  stop = [];
});

async function setUp(): Promise<{ s: Sluice; prefix: string }> {
  const prefix = uniquePrefix();
  const s = await producer(prefix);
  stop.push(() => s.close());
  return { s, prefix };
}

const rejection = (p: Promise<unknown>): Promise<WaitForError> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as WaitForError,
  );

describe('results', () => {
  it('keeps nothing by default: no kept keys, and waitFor says the job was not kept', async () => {
    const { s, prefix } = await setUp();
    const job = defineJob({ name: 'plain', handler: (p: { n: number }) => p.n * 2 });
    const w = await startWorker(prefix, { jobs: [job] });
    stop.push(() => w.stop());
    const done = record('job:succeeded', w);
    const h = await s.enqueue(job, { n: 1 });
    await waitFor(() => done.length === 1, 'the job to finish');
    const k = s.keys('plain');
    expect(await s.connection.send(['EXISTS', k.kept, k.keptBy('completed'), k.keptBy('failed')])).toBe(0);
    const e = await rejection(s.waitFor(h, { timeoutMs: 5000 }));
    expect(e).toBeInstanceOf(WaitForError);
    expect(e.reason).toBe('not-kept');
    expect(e.message).toMatch(/finished without being kept \(set keep\.completed/);
  });

  it('waitFor resolves with the result; getJob and listJobs show it completed; a too-large result is a note', async () => {
    const { s, prefix } = await setUp();
    const job = defineJob({
      name: 'double',
      keep: { completed: { count: 100 } },
      handler: (p: { n: number; big?: boolean }) => (p.big ? 'x'.repeat(2000) : { twice: p.n * 2 }),
    });
    const w = await startWorker(prefix, { jobs: [job], maxPayloadBytes: 1000 });
    stop.push(() => w.stop());
    const h = await s.enqueue(job, { n: 21 });
    await expect(s.waitFor(h, { timeoutMs: WAIT_MS })).resolves.toEqual({ twice: 42 });
    // already finished: read from the kept record at once
    await expect(s.waitFor(h, { timeoutMs: WAIT_MS })).resolves.toEqual({ twice: 42 });
    const j = await s.getJob('double', h.id);
    expect(j).toMatchObject({ id: h.id, state: 'completed', name: 'double', result: { twice: 42 } });
    expect(j?.finishedAt).toEqual(expect.any(Number));
    const big = await s.enqueue(job, { n: 1, big: true });
    const e = await rejection(s.waitFor(big, { timeoutMs: WAIT_MS }));
    expect(e.reason).toBe('result-not-kept');
    expect((await s.getJob('double', big.id))?.resultError).toMatch(/over the limit of 1000 \(maxPayloadBytes\)/);
    const page = await s.listJobs('double', { state: 'completed', order: 'newest' });
    expect(page.jobs.map((x) => x.id)).toEqual([big.id, h.id]);
  });

  it('waitFor rejects with the final error after the retries, and keep.failed keeps it', async () => {
    const { s, prefix } = await setUp();
    const job = defineJob({
      name: 'fails',
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 20 } },
      keep: { failed: {} },
      handler: (_p: object, ctx) => {
        throw new Error(`attempt ${ctx.attempt} broke`);
      },
    });
    const w = await startWorker(prefix, { jobs: [job] });
    stop.push(() => w.stop());
    const h = await s.enqueue(job, {});
    const e = await rejection(s.waitFor(h, { timeoutMs: WAIT_MS }));
    expect(e).toMatchObject({ name: 'WaitForError', reason: 'failed', jobError: 'attempt 2 broke' });
    expect(await s.connection.send(['ZCARD', s.keys('fails').keptBy('failed')])).toBe(1);
    await s.dead.purge('fails');
    expect(await s.getJob('fails', h.id)).toMatchObject({ state: 'dead', error: 'attempt 2 broke' });
  });

  it('waitFor times out with a clear error naming the state', async () => {
    const { s, prefix } = await setUp();
    const job = defineJob({ name: 'later', keep: { completed: {} }, handler: () => 1 });
    const h = await s.enqueue(job, {}, { delay: 60_000 });
    const e = await rejection(s.waitFor(h, { timeoutMs: 200 }));
    expect(e.reason).toBe('timeout');
    expect(e.message).toBe(`waitFor: job ${h.id} of queue later did not finish within 200 ms (it is delayed)`);
    await expect(s.waitFor({ id: h.id }, {})).rejects.toThrow('waitFor: the handle has no queue; pass { queue }');
    void prefix;
  });

  it('retention keeps at most count jobs (the oldest go) and drops jobs older than age', async () => {
    const { s, prefix } = await setUp();
    const k = s.keys('kept');
    const job = defineJob({ name: 'kept', keep: { completed: { count: 3 } }, handler: (p: { n: number }) => p.n });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 1 });
    stop.push(() => w.stop());
    const hs = [];
    for (let n = 0; n < 6; n++) {
      const h = await s.enqueue(job, { n });
      await s.waitFor(h, { timeoutMs: WAIT_MS });
      hs.push(h);
    }
    expect(await s.connection.send(['ZCARD', k.keptBy('completed')])).toBe(3);
    expect(await s.connection.send(['HLEN', k.kept])).toBe(3);
    expect(await s.getJob('kept', hs[0]?.id as string)).toBeNull();
    expect(await s.getJob('kept', hs[5]?.id as string)).toMatchObject({ state: 'completed', result: 5 });
    // age: members whose finish time is older than the age go with the next finish (the score is the server's
    // clock, so the test ages them instead of waiting)
    await s.connection.send(['ZADD', k.keptBy('completed'), 'XX', '1', hs[3]?.id as string, '1', hs[4]?.id as string]);
    const young = await s.enqueue(job, { n: 9 });
    await s.waitFor(young, { timeoutMs: WAIT_MS });
    const left = (await s.connection.send(['ZRANGE', k.keptBy('completed'), '0', '-1'])) as string[];
    expect(left).toEqual([hs[5]?.id, young.id]);
    expect(await s.connection.send(['HLEN', k.kept])).toBe(2);
    const ttl = Number(await s.connection.send(['PTTL', k.kept]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
  });

  it('keeps a job that holds a concurrency slot (acked by ack-release): waitFor resolves with its result', async () => {
    const { s, prefix } = await setUp();
    const job = defineJob({
      name: 'one-at-a-time',
      concurrency: { global: 1 },
      keep: { completed: { count: 100, age: 3_600_000 } },
      handler: (p: { n: number }) => ({ squared: p.n * p.n }),
    });
    const w = await startWorker(prefix, { jobs: [job], concurrency: 4 });
    stop.push(() => w.stop());
    const hs = await Promise.all([3, 4, 5].map((n) => s.enqueue(job, { n })));
    const results = await Promise.all(hs.map((h) => s.waitFor(h, { timeoutMs: WAIT_MS })));
    expect(results).toEqual([{ squared: 9 }, { squared: 16 }, { squared: 25 }]);
    const j = await s.getJob('one-at-a-time', hs[0]?.id ?? '');
    expect(j).toMatchObject({ state: 'completed', result: { squared: 9 } });
    expect(j?.finishedAt).toEqual(expect.any(Number));
    expect(await s.keptCount('one-at-a-time')).toBe(3);
    // every slot was given back: nothing holds one and nothing waits
    const k = s.keys('one-at-a-time');
    expect(Number(await s.connection.send(['XLEN', k.stream]))).toBe(0);
    expect(Number(await s.connection.send(['ZCARD', k.delayed]))).toBe(0);
  });
});
