/**
 * Cancel of a running job (issue 15): the request made on another connection aborts the handler's ctx.signal on
 * the worker running it, the job is recorded as cancelled (never retried, never dead-lettered) and leaves the
 * stream; a request whose message the worker missed is found after it subscribes again, or by a lease renewal.
 */
import { defineJob, type Sluice } from '@sluice/core';
import type { Worker } from '@sluice/worker';
import { afterEach, describe, expect, it } from 'vitest';
import { rawClient, uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startWorker, streamState } from './harness.js';

let stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stop.reverse()) await s();
  stop = [];
});

/** A job whose handler runs until its signal aborts, then throws the reason; counts its runs. */
function blockingJob() {
  const runs: string[] = [];
  const aborted: unknown[] = [];
  const job = defineJob({
    name: 'long',
    retry: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
    handler: async (_p: { n: number }, ctx) => {
      runs.push(ctx.jobId);
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted.push(ctx.signal.reason);
      throw ctx.signal.reason;
    },
  });
  return { job, runs, aborted };
}

async function setUp(lease: number): Promise<{ s: Sluice; w: Worker; t: ReturnType<typeof blockingJob> }> {
  const prefix = uniquePrefix();
  const s = await producer(prefix);
  stop.push(() => s.close());
  const t = blockingJob();
  const w = await startWorker(prefix, { jobs: [t.job], lease });
  stop.push(() => w.stop());
  return { s, w, t };
}

/** Expect job `id` to be recorded as cancelled from running, gone from the stream, and never run again. */
async function expectCancelled(s: Sluice, id: string, t: ReturnType<typeof blockingJob>): Promise<void> {
  expect(await s.getJob('long', id)).toMatchObject({ state: 'cancelled', cancelled: { from: 'running' } });
  expect(await streamState(s, s.keys('long'))).toEqual({ len: 0, pending: 0 });
  expect(await s.connection.send(['ZCARD', s.keys('long').delayed])).toBe(0);
  expect(await s.connection.send(['HLEN', s.keys('long').cancels])).toBe(0);
  expect(t.runs).toEqual([id]);
  expect(await s.connection.send(['XLEN', s.keys('long').dead])).toBe(0);
}

describe('cancel a running job', () => {
  it('aborts ctx.signal through pub/sub (the lease renewal is a minute away), outcome cancelled, not retried', async () => {
    const { s, w, t } = await setUp(180_000);
    const cancelled = record('job:cancelled', w);
    const retried = record('job:retrying', w);
    const dead = record('job:dead', w);
    const { id } = await s.enqueue(t.job, { n: 1 });
    await waitFor(() => t.runs.length === 1, 'the job to start');
    expect(await s.cancelJob('long', id)).toEqual({ done: 'cancel-requested', consumer: w.consumer });
    await waitFor(() => cancelled.length === 1, 'the worker to record the cancel');
    expect(t.aborted[0]).toMatchObject({ name: 'JobInterrupt', kind: 'cancelled' });
    expect(cancelled[0]).toMatchObject({ queue: 'long', jobId: id, name: 'long' });
    await expectCancelled(s, id, t);
    expect([retried.length, dead.length]).toEqual([0, 0]);
  });

  it('a request made while the subscriber was disconnected is read when it subscribes again', async () => {
    const { s, w, t } = await setUp(180_000);
    const cancelled = record('job:cancelled', w);
    const { id } = await s.enqueue(t.job, { n: 1 });
    await waitFor(() => t.runs.length === 1, 'the job to start');
    // the request is in the hash but its message is lost: no PUBLISH reaches a subscriber (none is listening)
    await s.connection.send(['HSET', s.keys('long').cancels, id, String(Date.now())]);
    const raw = await rawClient();
    stop.push(() => raw.close());
    const list = String(await raw.sendCommand(['CLIENT', 'LIST', 'TYPE', 'pubsub']));
    const line = list.split('\n').find((l) => l.includes(`name=sluice-cancels:${w.consumer}`));
    expect(line).toBeDefined();
    const clientId = /id=(\d+)/.exec(line as string)?.[1] as string;
    await raw.sendCommand(['CLIENT', 'KILL', 'ID', clientId]);
    await waitFor(() => cancelled.length === 1, 'the worker to find the request after resubscribing');
    await expectCancelled(s, id, t);
  });

  it('a request nobody published reaches the job with the next lease renewal', async () => {
    const { s, w, t } = await setUp(900);
    const cancelled = record('job:cancelled', w);
    const { id } = await s.enqueue(t.job, { n: 1 });
    await waitFor(() => t.runs.length === 1, 'the job to start');
    await s.connection.send(['HSET', s.keys('long').cancels, id, String(Date.now())]);
    await waitFor(() => cancelled.length === 1, 'the renewal to report the request');
    await expectCancelled(s, id, t);
  });
});
