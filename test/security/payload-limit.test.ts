/**
 * One payload limit for both sides: what a producer accepts, a worker, a drain and a push (dispatcher and
 * fetch handler) run, with the default and with a raised `maxPayloadBytes`.
 */
import { runCli } from '@sluice/cli';
import { createSluice, defineJob } from '@sluice/core';
import { DEFAULTS } from '@sluice/core/internal';
import { drain } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { JOBS_FIXTURE, run } from '../cli/cli-helpers.js';
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

  it('the CLI takes --max-payload-bytes for enqueue and the workers it runs', async () => {
    const prefix = uniquePrefix();
    const g = ['--redis', redisUrl(), '--prefix', prefix];
    const big = JSON.stringify(payloadOf(2 * MIB));
    const cli = (args: string[]) => run((io) => runCli([...args, ...g], { io }));
    const refused = await cli(['enqueue', 'report', big, '--queue', 'report']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.join('\n')).toMatch(/over the limit of 1048576 bytes \(maxPayloadBytes\)/);
    expect(
      (await cli(['enqueue', 'report', big, '--queue', 'report', '--max-payload-bytes', String(4 * MIB)])).code,
    ).toBe(0);
    const drained = await cli([
      'worker',
      'drain',
      JOBS_FIXTURE,
      '--budget',
      '5s',
      '--json',
      '--max-payload-bytes',
      String(4 * MIB),
    ]);
    expect(JSON.parse(drained.stdout.join('\n'))).toMatchObject({ processed: 1, succeeded: 1, dead: 0 });
    const bad = await cli(['queue', 'list', '--max-payload-bytes', 'lots']);
    expect(bad.stderr).toEqual([
      'sluice: --max-payload-bytes (or SLUICE_MAX_PAYLOAD_BYTES) expects a whole number >= 1; got "lots"',
    ]);
  });
});
