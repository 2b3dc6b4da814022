/** Push when the endpoint refuses the dispatcher (401/403), and follow-up jobs carried back by the response. */
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { deadEntries, producer, record, streamState } from '../worker/harness.js';
import { handlerServer, recordingJob, startDispatcher } from './push-harness.js';

const RIGHT = 'handler-secret-7f3a';
const WRONG = 'dispatcher-secret-91c2';

describe('push: a refused signature keeps the jobs', () => {
  it('wrong secret: no job is dead-lettered, one error names the cause, the jobs run once it is fixed', async () => {
    const { job, calls } = recordingJob<{ n: number }>('billing');
    const srv = await handlerServer({ jobs: [job], secrets: RIGHT });
    const s = await producer();
    const lines: string[] = [];
    const d = await startDispatcher(s.prefix, {
      to: srv.url,
      secrets: WRONG,
      queues: ['billing'],
      attempts: 1,
      logger: { level: 'info', destination: { write: (l: string) => lines.push(l) } },
    });
    const done = record('job:succeeded', d);
    const dead = record('job:dead', d);
    for (let n = 1; n <= 5; n++) await s.enqueue('billing', { n });
    const k = s.keys('billing');
    await waitFor(async () => Number(await s.connection.send(['ZCARD', k.delayed])) === 5, 'all five jobs held back');
    const errors = lines.filter((l) => l.includes('"level":"error"'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/refused the dispatcher \(401: signature does not match any accepted secret\)/);
    expect(errors[0]).toMatch(/likely cause: secret mismatch/);
    expect(lines.join('\n')).not.toContain(WRONG);
    expect(lines.join('\n')).not.toContain(RIGHT);
    expect(calls).toEqual([]);

    srv.replace({ jobs: [job], secrets: [RIGHT, WRONG] });
    await waitFor(() => done.length === 5, 'the five jobs to run once the secret is accepted', 20_000);
    expect(dead).toEqual([]);
    expect(await deadEntries(s, 'billing')).toEqual([]);
    expect(calls.map((c) => c.attempt)).toEqual([1, 1, 1, 1, 1]);
    expect(calls.map((c) => c.payload.n).sort()).toEqual([1, 2, 3, 4, 5]);
    await d.stop();
    await srv.close();
    await s.close();
  });
});

describe('push: ctx.enqueue without a Redis client', () => {
  it('follow-up jobs ride on the response and the dispatcher enqueues them before the ack', async () => {
    const seen: { n: number; attempt: number }[] = [];
    const child = defineJob({
      name: 'child',
      queue: 'kids',
      handler: (p: { n: number }, ctx) => void seen.push({ n: p.n, attempt: ctx.attempt }),
    });
    const results: unknown[] = [];
    const parent = defineJob({
      name: 'parent',
      handler: async (_p: object, ctx) => {
        results.push(await ctx.enqueue(child, { n: 1 }));
        await ctx.enqueue(child, { n: 2 }, { delay: '1h' });
      },
    });
    const srv = await handlerServer({ jobs: [parent, child], secrets: RIGHT });
    const s = await producer();
    const d = await startDispatcher(s.prefix, { to: srv.url, secrets: RIGHT, queues: ['parent', 'kids'] });
    const done = record('job:succeeded', d);
    await s.enqueue(parent, {});
    await waitFor(() => done.length === 2, 'the parent and its follow-up to run');
    expect(done.map((e) => e.name).sort()).toEqual(['child', 'parent']);
    expect(seen).toEqual([{ n: 1, attempt: 1 }]);
    expect(results).toEqual([{ id: '', deduplicated: false }]);
    expect(Number(await s.connection.send(['ZCARD', s.keys('kids').delayed]))).toBe(1);
    expect(await streamState(s, s.keys('parent'))).toEqual({ len: 0, pending: 0 });
    await d.stop();
    await srv.close();
    await s.close();
  });
});
