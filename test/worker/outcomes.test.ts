/** Job outcomes on a real Redis: success, retries with backoff, dead letters, invalid payloads, timeouts. */
import { defineJob, UnrecoverableError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uniquePrefix, waitFor } from '../helpers.js';
import { jobFields, rawEntry } from '../queue-fixtures.js';
import { deadEntries, producer, record, startWorker, streamState } from './harness.js';

describe('worker outcomes', () => {
  it('runs a job and acks it, with a full context', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const seen: unknown[] = [];
    const job = defineJob({
      name: 'hello',
      schema: z.object({ to: z.string() }),
      handler: (p, ctx) => {
        seen.push({
          p,
          jobId: ctx.jobId,
          name: ctx.name,
          queue: ctx.queue,
          attempt: ctx.attempt,
          trace: ctx.trace,
          aborted: ctx.signal.aborted,
        });
        ctx.log.info('hi');
      },
    });
    const w = await startWorker(prefix, { jobs: [job] });
    const ok = record('job:succeeded', w);
    const { id } = await s.enqueue(job, { to: 'a@b' }, { trace: '00-abc-def-01' });
    await waitFor(() => ok.length === 1, 'success');
    expect(seen).toEqual([
      {
        p: { to: 'a@b' },
        jobId: id,
        name: 'hello',
        queue: 'hello',
        attempt: 1,
        trace: '00-abc-def-01',
        aborted: false,
      },
    ]);
    expect(ok[0]).toMatchObject({ queue: 'hello', name: 'hello', jobId: id, attempt: 1 });
    expect(ok[0]?.durationMs).toBeGreaterThanOrEqual(0);
    await waitFor(async () => (await streamState(s, s.keys('hello'))).len === 0, 'stream empty');
    expect(await streamState(s, s.keys('hello'))).toEqual({ len: 0, pending: 0 });
    await w.stop();
    await s.close();
  });

  it('fails twice then succeeds: attempts and backoff observed', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const runs: { attempt: number; at: number }[] = [];
    const job = defineJob({
      name: 'flaky',
      retry: { attempts: 5, backoff: { type: 'fixed', delay: 40 } },
      handler: (_p: unknown, ctx) => {
        runs.push({ attempt: ctx.attempt, at: performance.now() });
        if (ctx.attempt < 3) throw new Error(`fail ${ctx.attempt}`);
      },
    });
    const w = await startWorker(prefix, { jobs: [job] });
    const retrying = record('job:retrying', w);
    const ok = record('job:succeeded', w);
    await s.enqueue(job, {});
    await waitFor(() => ok.length === 1, 'success on attempt 3');
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(retrying.map((r) => [r.attempt, r.nextAttempt, r.delayMs, r.error.message])).toEqual([
      [1, 2, 40, 'fail 1'],
      [2, 3, 40, 'fail 2'],
    ]);
    for (let i = 1; i < runs.length; i++) {
      expect((runs[i]?.at ?? 0) - (runs[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(35);
    }
    expect(ok[0]?.attempt).toBe(3);
    await w.stop();
    expect(await streamState(s, s.keys('flaky'))).toEqual({ len: 0, pending: 0 });
    expect(Number(await s.connection.send(['ZCARD', s.keys('flaky').delayed]))).toBe(0);
    await s.close();
  });

  it('always failing: exactly one dead-letter entry with the error, attempts and failure times', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({
      name: 'doomed',
      retry: { attempts: 3, backoff: { type: 'exponential', delay: 10, max: 50, jitter: 0.5 } },
      handler: () => {
        throw new Error('always broken');
      },
    });
    const w = await startWorker(prefix, { jobs: [job] });
    const dead = record('job:dead', w);
    const { id } = await s.enqueue(job, {});
    await waitFor(() => dead.length === 1, 'dead letter');
    // nothing is left that could be dead-lettered a second time: the stream, pending list and delayed set are empty
    const k = s.keys('doomed');
    await waitFor(
      async () =>
        (await streamState(s, k)).len === 0 && Number(await s.connection.send(['ZCARD', k.delayed], k.delayed)) === 0,
      'the job gone from the stream and the delayed set',
    );
    const entries = await deadEntries(s, 'doomed');
    expect(entries).toHaveLength(1);
    const d = entries[0] as Record<string, string>;
    expect(d).toMatchObject({
      id,
      name: 'doomed',
      reason: 'failed',
      error: 'always broken',
      attempts: '3',
      attempt: '3',
    });
    expect(d.stack).toContain('always broken');
    expect(Number(d.firstFailedAt)).toBeLessThanOrEqual(Number(d.failedAt));
    expect(dead[0]).toMatchObject({ jobId: id, attempt: 3, reason: 'failed' });
    expect(await streamState(s, s.keys('doomed'))).toEqual({ len: 0, pending: 0 });
    await w.stop();
    await s.close();
  });

  it('UnrecoverableError: dead-lettered at once', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    let calls = 0;
    const job = defineJob({
      name: 'fatal',
      retry: { attempts: 5, backoff: { type: 'fixed', delay: 10 } },
      handler: () => {
        calls++;
        throw new UnrecoverableError('card declined');
      },
    });
    const w = await startWorker(prefix, { jobs: [job] });
    const dead = record('job:dead', w);
    await s.enqueue(job, {});
    await waitFor(() => dead.length === 1, 'dead letter');
    expect(calls).toBe(1);
    expect(await deadEntries(s, 'fatal')).toMatchObject([
      { reason: 'unrecoverable', error: 'card declined', attempts: '1' },
    ]);
    await w.stop();
    await s.close();
  });

  it('invalid payloads written raw go to the dead-letter stream with the reason, never retried', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    let calls = 0;
    const job = defineJob({
      name: 'strict',
      schema: z.object({ n: z.number() }),
      handler: () => {
        calls++;
      },
    });
    const w = await startWorker(prefix, { jobs: [job] });
    const dead = record('job:dead', w);
    const k = s.keys('strict');
    const base = { name: 'strict', attempt: '1', enqueuedAt: String(Date.now()) };
    await rawEntry(s.connection, k, { id: 'bad-json', ...base, data: 'not json' });
    await rawEntry(s.connection, k, { id: 'bad-schema', ...base, data: '{"n":"seven"}' });
    const junk = await rawEntry(s.connection, k, { junk: 'yes' });
    await waitFor(() => dead.length === 3, 'three dead letters');
    const entries = await deadEntries(s, 'strict');
    expect(entries.map((e) => e.reason)).toEqual(['invalid', 'invalid', 'invalid']);
    const byId = (id: string | undefined) => entries.find((e) => e.id === id);
    expect(byId('bad-json')?.error).toMatch(/not valid JSON/);
    expect(byId('bad-schema')?.error).toMatch(/invalid payload for job "strict": n: /);
    // an entry without an `id` field is the job of that entry id (as an immediate job is)
    expect(byId(junk)).toMatchObject({
      junk: 'yes',
      error: expect.stringMatching(/missing field\(s\) name, data$/),
    });
    expect(calls).toBe(0);
    expect(await streamState(s, k)).toEqual({ len: 0, pending: 0 });
    await w.stop();
    await s.close();
  });

  it('a job with no handler is retried, then dead-lettered naming the missing handler', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const other = defineJob({ name: 'known', queue: 'mixed', handler: () => {} });
    const w = await startWorker(prefix, { jobs: [other] });
    const retrying = record('job:retrying', w);
    const dead = record('job:dead', w);
    const k = s.keys('mixed');
    await rawEntry(s.connection, k, jobFields('g1', 'ghost'));
    await rawEntry(s.connection, k, jobFields('g3', 'ghost', { attempt: '3' }));
    await waitFor(() => retrying.length === 1 && dead.length === 1, 'retry + dead');
    expect(retrying[0]).toMatchObject({ jobId: 'g1', nextAttempt: 2 });
    expect(dead[0]).toMatchObject({
      jobId: 'g3',
      reason: 'no-handler',
      error: expect.stringMatching(/no handler for job "ghost"/),
    });
    await w.stop();
    await s.close();
  });

  it('timeout: the signal aborts, the job is retried, and the zombie late ack is rejected by the fence', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const runs: number[] = [];
    let zombieDone = false;
    // Attempt 1 ignores ctx.signal and ends only when the test lets it, after attempt 2 succeeded: its late ack
    // must meet the fence whatever the machine's speed.
    let releaseZombie: () => void = () => {};
    const zombieGate = new Promise<void>((resolve) => {
      releaseZombie = resolve;
    });
    const job = defineJob({
      name: 'slow',
      timeout: 200,
      retry: { attempts: 3, backoff: { type: 'fixed', delay: 20 } },
      handler: async (_p: unknown, ctx) => {
        runs.push(ctx.attempt);
        if (ctx.attempt === 1) {
          await zombieGate; // ignores ctx.signal
          zombieDone = true;
        }
      },
    });
    const w1 = await startWorker(prefix, { jobs: [job] });
    const w2 = await startWorker(prefix, { jobs: [job] });
    const ok = record('job:succeeded', w1, w2);
    const retrying = record('job:retrying', w1, w2);
    const lost = record('job:lease-lost', w1, w2);
    await s.enqueue(job, {});
    await waitFor(() => ok.length === 1, 'attempt 2 succeeds');
    expect(retrying[0]).toMatchObject({
      attempt: 1,
      nextAttempt: 2,
      error: expect.objectContaining({ message: 'job "slow" timed out after 200 ms' }),
    });
    expect(ok[0]?.attempt).toBe(2);
    expect(zombieDone).toBe(false);
    releaseZombie();
    await waitFor(() => lost.length === 1, 'zombie ack rejected');
    expect(zombieDone).toBe(true);
    expect(lost[0]).toMatchObject({ attempt: 1, during: 'finish' });
    expect(ok).toHaveLength(1);
    expect(runs).toEqual([1, 2]);
    await Promise.all([w1.stop(), w2.stop()]);
    expect(await streamState(s, s.keys('slow'))).toEqual({ len: 0, pending: 0 });
    await s.close();
  });
});
