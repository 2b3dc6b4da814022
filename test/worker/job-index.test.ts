/** The job index under a real worker: it follows a job through retries to its end, and a drain leaves no index key. */
import { defineJob } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startWorker } from './harness.js';

let stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stop) await s();
  stop = [];
});

describe('job index with a worker', () => {
  it('a job that fails once then succeeds is delayed, then gone; a dead job stays findable; nothing else is left', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    stop.push(() => s.close());
    const flaky = defineJob({
      name: 'flaky',
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 30 } },
      handler: (p: { fail: number }, ctx) => {
        if (ctx.attempt <= p.fail) throw new Error(`attempt ${ctx.attempt} fails`);
      },
    });
    const w = await startWorker(prefix, { jobs: [flaky] });
    stop.push(() => w.stop());
    const done = record('job:succeeded', w);
    const died = record('job:dead', w);
    const ok = await Promise.all(Array.from({ length: 20 }, () => s.enqueue(flaky, { fail: 1 })));
    const bad = await s.enqueue(flaky, { fail: 5 });
    await waitFor(() => done.length === 20 && died.length === 1, 'every job to end');
    for (const { id } of ok) expect(await s.getJob('flaky', id)).toBeNull();
    expect(await s.getJob('flaky', bad.id)).toMatchObject({ state: 'dead', dead: { reason: 'failed' } });
    expect(await s.connection.send(['HKEYS', s.keys('flaky').index])).toEqual([bad.id]);
    expect(await s.retryJob('flaky', bad.id)).toBe('moved');
    await waitFor(() => died.length === 2, 'the retried job to die again');
    await s.deleteJob('flaky', bad.id);
    expect(await s.connection.send(['EXISTS', s.keys('flaky').index])).toBe(0);
  });
});
