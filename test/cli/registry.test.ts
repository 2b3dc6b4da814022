/**
 * The registry commands on a real Redis: `sluice enqueue NAME` resolves the queue from the catalogue and checks the
 * payload against the published JSON Schema (or refuses an unknown name, naming the known ones), `worker ls`,
 * `schedule ls` and `schedule run`.
 */
import { Readable } from 'node:stream';
import { enqueueCommand, scheduleListCommand, scheduleRunCommand, statsCommand, workerListCommand } from '@sluice/cli';
import { defineJob } from '@sluice/core';
import { createWorker, type Worker } from '@sluice/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { track } from '../helpers.js';
import { conn, run, spawnSluice } from './cli-helpers.js';

const c = conn();
let w: Worker;
const email = defineJob({
  name: 'send-email',
  queue: 'mail',
  schema: z.object({ to: z.string(), n: z.number().int().optional() }),
  handler: async () => {},
});
const nightly = defineJob({
  name: 'nightly',
  queue: 'reports',
  schedule: { cron: '0 3 * * *', tz: 'Europe/Paris', payload: { full: true } },
  handler: async () => {},
});

beforeAll(async () => {
  // queues: [] (cron only) keeps the jobs this file enqueues where the assertions look for them
  w = await createWorker({
    url: c.redis,
    prefix: c.prefix,
    jobs: [email, nightly],
    queues: ['mail'],
    concurrency: 4,
    logger: { level: 'silent' },
  });
  track({ label: 'worker', isOpen: () => w.running, forceClose: () => w.stop() });
  await w.start();
  await w.stop(); // the catalogue stays; the tests below read it without a worker taking the jobs
});
afterAll(async () => {
  await w?.stop();
});

const figures = async (queue: string) =>
  JSON.parse((await run((io) => statsCommand({ ...c, queues: [queue], json: true }, io))).stdout.join('\n'))
    .queues[0] as { ready: number };

describe('sluice enqueue by name', () => {
  it("resolves the job's queue from the catalogue and checks the payload against its schema", async () => {
    const ok = await run((io) => enqueueCommand({ ...c, job: 'send-email', payload: '{"to":"a@b.co"}' }, io));
    expect([ok.code, ok.stderr]).toEqual([0, []]);
    expect(await figures('mail')).toMatchObject({ ready: 1 });
    const bad = await run((io) => enqueueCommand({ ...c, job: 'send-email', payload: '{"to":1,"n":1.5}' }, io));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toEqual([
      expect.stringMatching(
        /^sluice: payload-json argument does not match the schema of job "send-email": \/to: .*"number".*"string".*; \/n: /,
      ),
    ]);
    const lines = Readable.from(['{"to":"x"}\n{"to":2}\n']);
    const nd = await run((io) => enqueueCommand({ ...c, job: 'send-email', ndjson: true, input: lines }, io));
    expect([nd.code, nd.stderr[0]]).toEqual([2, expect.stringMatching(/^line 2: does not match the schema/)]);
    expect(await figures('mail')).toMatchObject({ ready: 1 });
  });

  it('refuses a name no worker published, naming the known ones, unless --queue says where it goes', async () => {
    const r = await run((io) => enqueueCommand({ ...c, job: 'send-emial', payload: '{}' }, io));
    expect([r.code, r.stderr]).toEqual([
      2,
      [
        'sluice: unknown job "send-emial" (known jobs: "nightly", "send-email"); fix the name, start a worker that runs it, or pass --queue (or --jobs) to enqueue it anyway',
      ],
    ]);
    const forced = await run((io) => enqueueCommand({ ...c, job: 'send-emial', queue: 'other', payload: '{}' }, io));
    expect(forced.code).toBe(0);
    expect(await figures('other')).toMatchObject({ ready: 1 });
  });
});

describe('sluice worker ls and schedule ls|run', () => {
  it('worker ls lists a live worker; schedule ls shows pattern, zone, last tick and next run', async () => {
    const live = await createWorker({ url: c.redis, prefix: c.prefix, jobs: [email], logger: { level: 'silent' } });
    track({ label: 'worker', isOpen: () => live.running, forceClose: () => live.stop() });
    await live.start();
    const text = await run((io) => workerListCommand(c, io));
    expect(text.stdout[0]).toMatch(
      /^CONSUMER\s+KIND\s+HOST\s+PID\s+VERSION\s+QUEUES\s+CONCURRENCY\s+IN FLIGHT\s+UP\s+LAST SEEN$/,
    );
    expect(text.stdout[1]).toContain(live.consumer);
    const js = JSON.parse(
      (await run((io) => workerListCommand({ ...c, queue: 'mail', json: true }, io))).stdout.join(''),
    );
    expect(js).toEqual([expect.objectContaining({ consumer: live.consumer, queues: ['mail'], concurrency: 10 })]);
    await live.stop();
    expect((await run((io) => workerListCommand(c, io))).stdout).toEqual(['no live workers']);

    const ls = await run((io) => scheduleListCommand({ ...c, json: true }, io));
    const [s] = JSON.parse(ls.stdout.join(''));
    expect(s).toMatchObject({
      name: 'nightly',
      queue: 'reports',
      cron: '0 3 * * *',
      tz: 'Europe/Paris',
      lastTickAt: null,
    });
    expect(s.nextRunAt).toBeGreaterThan(Date.now());
    expect(new Date(s.nextRunAt).getUTCHours()).toBeOneOf([1, 2]); // 03:00 in Paris
  });

  it('schedule run enqueues the payload now and leaves the tick record; exit 1 naming the schedules otherwise', async () => {
    const r = await run((io) => scheduleRunCommand({ ...c, queue: 'reports', name: 'nightly', json: true }, io));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.join(''))).toEqual({ queue: 'reports', name: 'nightly', id: expect.any(String) });
    expect(await figures('reports')).toMatchObject({ ready: 1 });
    const ls = JSON.parse((await run((io) => scheduleListCommand({ ...c, json: true }, io))).stdout.join(''));
    expect(ls[0].lastTickAt).toBeNull(); // a run now is not a tick
    const none = await run((io) => scheduleRunCommand({ ...c, queue: 'reports', name: 'weekly' }, io));
    expect([none.code, none.stderr]).toEqual([
      1,
      ['sluice: no schedule "weekly" on queue reports (its schedules: "nightly"); see sluice schedule ls'],
    ]);
  });

  it('the binary has the verbs with help examples', async () => {
    const h = await spawnSluice(['schedule', 'run', '--help']);
    expect(h.stdout).toMatch(/Examples:\n\s+\$ sluice schedule run reports nightly-report/);
    const w2 = await spawnSluice(['worker', 'ls', '--help']);
    expect(w2.stdout).toMatch(/\$ sluice worker ls --queue emails --json/);
  });
});
