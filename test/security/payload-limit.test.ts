/**
 * One payload limit for both sides: what a producer accepts, a worker, a drain and a push (dispatcher and
 * fetch handler) run, with the default and with a raised `maxPayloadBytes`.
 */
import { createSluice, DEFAULTS, defineJob } from '@sluice/core';
import { drain } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { handlerServer, recordingJob, startDispatcher } from '../drivers/push-harness.js';
import { redisUrl, track, uniquePrefix, waitFor } from '../helpers.js';
import { deadEntries, record, startWorker } from '../worker/harness.js';

const MIB = 1024 * 1024;
/** A payload whose JSON is exactly `bytes` long. */
const payloadOf = (bytes: number) => ({ s: 'x'.repeat(bytes - '{"s":""}'.length) });

async function producerWith(prefix: string, maxPayloadBytes?: number) {
  const s = await createSluice({ url: redisUrl(), prefix, ...(maxPayloadBytes ? { maxPayloadBytes } : {}) });
  track({ label: 'producer', isOpen: () => s.connection.client.isOpen, forceClose: () => s.connection.destroy() });
  return s;
}

describe('maxPayloadBytes: one setting for both sides', () => {
  it('with the default, the largest payload a producer accepts runs in a worker', async () => {
    const prefix = uniquePrefix();
    const s = await producerWith(prefix);
    const sizes: number[] = [];
    const job = defineJob({ name: 'big', handler: (p: { s: string }) => void sizes.push(JSON.stringify(p).length) });
    await s.enqueue(job, payloadOf(DEFAULTS.maxPayloadBytes));
    await expect(s.enqueue(job, payloadOf(DEFAULTS.maxPayloadBytes + 1))).rejects.toThrow(/maxPayloadBytes/);
    const w = await startWorker(prefix, { jobs: [job] });
    await waitFor(() => sizes.length === 1, 'the job to run');
    expect(sizes).toEqual([DEFAULTS.maxPayloadBytes]);
    await w.stop();
    expect(await deadEntries(s, 'big')).toEqual([]);
    await s.close();
  });

  it('a raised limit on createSluice and createWorker: a 2 MiB job runs, not dead-lettered', async () => {
    const prefix = uniquePrefix();
    const s = await producerWith(prefix, 4 * MIB);
    const job = defineJob({ name: 'big', handler: () => undefined });
    await s.enqueue(job, payloadOf(2 * MIB));
    const w = await startWorker(prefix, { jobs: [job], maxPayloadBytes: 4 * MIB });
    const ok = record('job:succeeded', w);
    await waitFor(() => ok.length === 1, 'the job to succeed');
    await w.stop();
    expect(await deadEntries(s, 'big')).toEqual([]);
    await s.close();
  });

  it('drain takes the same setting', async () => {
    const prefix = uniquePrefix();
    const s = await producerWith(prefix, 4 * MIB);
    const job = defineJob({ name: 'big', handler: () => undefined });
    await s.enqueue(job, payloadOf(2 * MIB));
    const r = await drain({
      url: redisUrl(),
      prefix,
      jobs: [job],
      budgetMs: 10_000,
      maxPayloadBytes: 4 * MIB,
      logger: { level: 'silent' },
    });
    expect(r).toMatchObject({ processed: 1, succeeded: 1, dead: 0 });
    await s.close();
  });

  it('a push dispatcher and a fetch handler with the raised setting deliver a 2 MiB job', async () => {
    const prefix = uniquePrefix();
    const s = await producerWith(prefix, 4 * MIB);
    const { job, calls } = recordingJob<{ s: string }>('big');
    const srv = await handlerServer({ jobs: [job], secrets: 'k', maxPayloadBytes: 4 * MIB });
    const d = await startDispatcher(prefix, { to: srv.url, secrets: 'k', queues: ['big'], maxPayloadBytes: 4 * MIB });
    await s.enqueue('big', payloadOf(2 * MIB));
    await waitFor(() => calls.length === 1, 'the push to run');
    expect(JSON.stringify(calls[0]?.payload).length).toBe(2 * MIB);
    await d.stop();
    await srv.close();
    expect(await deadEntries(s, 'big')).toEqual([]);
    await s.close();
  });
});
