/**
 * ctx.progress (issue 15): stored with the running job (getJob shows it, job:progress is emitted), refused with a
 * clear error when bad, and removed by the script that finishes the job (ack, retry, dead letter).
 */
import { defineJob } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startWorker } from './harness.js';

let stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stop.reverse()) await s();
  stop = [];
});

/** A gate a test opens to let a handler go on. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open: () => open(), opened };
}

describe('ctx.progress', () => {
  it('is visible mid-run (getJob, job:progress) and gone after the ack; bad values are refused by name', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    stop.push(() => s.close());
    const g = gate();
    const errors: string[] = [];
    const job = defineJob({
      name: 'report',
      handler: async (_p: object, ctx) => {
        await ctx.progress(40);
        for (const bad of [150, Number.NaN, 'half', [1], { big: 'x'.repeat(5000) }])
          await ctx.progress(bad as number).catch((e: Error) => errors.push(e.message));
        await ctx.progress({ step: 'upload', done: 3, of: 7 });
        await g.opened;
        return 'ok';
      },
    });
    const w = await startWorker(prefix, { jobs: [job] });
    stop.push(() => w.stop());
    const progress = record('job:progress', w);
    const done = record('job:succeeded', w);
    const { id } = await s.enqueue(job, {});
    await waitFor(() => progress.length === 2, 'two progress reports');
    expect(progress.map((p) => p.progress)).toEqual([40, { step: 'upload', done: 3, of: 7 }]);
    expect(progress[0]).toMatchObject({ queue: 'report', jobId: id, name: 'report' });
    expect(await s.getJob('report', id)).toMatchObject({
      state: 'running',
      progress: { step: 'upload', done: 3, of: 7 },
    });
    expect(errors).toHaveLength(5);
    expect(errors[0]).toBe('ctx.progress expects a number from 0 to 100 or a JSON object; got 150');
    expect(errors[2]).toBe('ctx.progress expects a number from 0 to 100 or a JSON object; got string');
    expect(errors[3]).toBe('ctx.progress expects a number from 0 to 100 or a JSON object; got an array');
    expect(errors[4]).toMatch(/^ctx\.progress: the object is 50\d\d bytes of JSON, over the limit of 4096/);
    g.open();
    await waitFor(() => done.length === 1, 'the job to finish');
    expect(await s.connection.send(['EXISTS', s.keys('report').progress])).toBe(0);
    expect(await s.getJob('report', id)).toBeNull();
  });

  it('is removed when the attempt fails (retry) and when the job is dead-lettered', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    stop.push(() => s.close());
    const seen: unknown[] = [];
    const job = defineJob({
      name: 'failing',
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 50 } },
      handler: async (_p: object, ctx) => {
        seen.push((await s.getJob('failing', ctx.jobId))?.progress);
        await ctx.progress(ctx.attempt * 10);
        throw new Error(`attempt ${ctx.attempt} fails`);
      },
    });
    const w = await startWorker(prefix, { jobs: [job] });
    stop.push(() => w.stop());
    const dead = record('job:dead', w);
    const { id } = await s.enqueue(job, {});
    await waitFor(() => dead.length === 1, 'the job to die');
    expect(seen).toEqual([undefined, undefined]); // the second attempt does not see the first one's progress
    expect(await s.connection.send(['EXISTS', s.keys('failing').progress])).toBe(0);
    expect(await s.getJob('failing', id)).toMatchObject({ state: 'dead' });
  });

  it('is removed when a job holding a global concurrency slot (flow control) finishes', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    stop.push(() => s.close());
    const job = defineJob({
      name: 'slotted',
      concurrency: { global: 1 },
      handler: async (_p: object, ctx) => {
        await ctx.progress(50);
      },
    });
    const w = await startWorker(prefix, { jobs: [job] });
    stop.push(() => w.stop());
    const progress = record('job:progress', w);
    const done = record('job:succeeded', w);
    await s.enqueue(job, {});
    await waitFor(() => done.length === 1 && progress.length === 1, 'the job to finish');
    expect(await s.connection.send(['EXISTS', s.keys('slotted').progress])).toBe(0);
  });
});
