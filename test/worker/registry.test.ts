/**
 * The registry on a real Redis: the job catalogue a worker publishes (a zod schema's JSON Schema stored, a validator
 * without one stores none), live workers with their fields, and a worker process killed mid-job that disappears at
 * once and whose consumer is reaped once another worker has reclaimed its job.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineJob, type StandardSchemaV1 } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { createPushDispatcher, drain } from '@sluice/worker';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redisUrl, uniquePrefix, waitFor } from '../helpers.js';
import { consumersOf } from '../queue-fixtures.js';
import { producer, startTracked, startWorker, testKnobs } from './harness.js';

const fixture = fileURLToPath(new URL('../fixtures/worker-app.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const kills: number[] = [];
afterEach(() => {
  for (const pid of kills.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A Standard Schema v1 validator that offers no JSON Schema. */
const plain: StandardSchemaV1<{ n: number }> = {
  '~standard': { version: 1, vendor: 'plain', validate: (v) => ({ value: v as { n: number } }) },
};

const email = defineJob({
  name: 'send-email',
  queue: 'mail',
  schema: z.object({ to: z.string(), subject: z.string().optional() }),
  retry: { attempts: 4, backoff: { type: 'fixed', delay: 100 } },
  timeout: 5000,
  concurrency: 2,
  handler: async () => {},
});
const count = defineJob({ name: 'count', schema: plain, handler: async () => {} });
const tick = defineJob({
  name: 'tick',
  queue: 'mail',
  schedule: { cron: '0 3 * * *', tz: 'Europe/Paris', payload: { n: 1 } },
  handler: async () => {},
});

describe('job catalogue', () => {
  it('holds what each worker serves, with the JSON Schema when the validator gives one', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const w = await startWorker(prefix, { jobs: [email, count, tick], concurrency: 3 });
    const cat = await s.listCatalogue();
    expect(cat.map((e) => `${e.queue}/${e.name}`)).toEqual(['count/count', 'mail/send-email', 'mail/tick']);
    const [c, e, t] = cat;
    expect(e).toMatchObject({
      retry: { attempts: 4, backoff: { type: 'fixed', delay: 100 } },
      timeout: 5000,
      concurrency: 2,
      schedule: null,
      schemaVendor: 'zod',
      publishedBy: w.consumer,
    });
    expect(e?.schema).toMatchObject({ type: 'object', properties: { to: { type: 'string' } }, required: ['to'] });
    expect(c).toMatchObject({ schema: null, schemaVendor: null, queue: 'count' });
    expect(t?.schedule).toEqual({ cron: '0 3 * * *', tz: 'Europe/Paris', payload: { n: 1 } });
    expect((await s.findJobDefinition('send-email')).map((d) => d.queue)).toEqual(['mail']);
    expect(await s.findJobDefinition('nobody')).toEqual([]);
    // an entry that does not decode (written by someone else) is skipped, not thrown
    await s.connection.send(['HSET', `${prefix}:catalogue`, 'x y', '{not json']);
    expect(await s.listCatalogue('mail')).toHaveLength(2);
    await w.stop();
    await s.close();
  });
});

describe('schedules', () => {
  it('lists a cron job with the last tick its record holds and the next run; a run now leaves the record', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const w = await startWorker(prefix, { jobs: [tick], queues: [] });
    const k = s.keys('mail');
    await s.connection.send(['SET', k.cron('tick'), '1700000000000']); // what the cron-tick script records
    const [one] = await s.listSchedules();
    expect(one).toMatchObject({ name: 'tick', queue: 'mail', tz: 'Europe/Paris', lastTickAt: 1_700_000_000_000 });
    expect(one?.nextRunAt).toBeGreaterThan(Date.now());
    expect(await s.runSchedule('mail', 'nope')).toBeNull();
    const r = await s.runSchedule('mail', 'tick');
    expect((await s.getJob('mail', r?.id as string))?.data).toBe('{"n":1}');
    expect(await s.connection.send(['GET', k.cron('tick')])).toBe('1700000000000');
    await w.stop();
    await s.close();
  });
});

describe('live workers', () => {
  it('lists a worker with its fields, counts it in stats, and forgets it at stop', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const w = await startWorker(prefix, { jobs: [email, count], concurrency: 3 });
    const [live] = await s.listWorkers();
    expect(live).toMatchObject({
      consumer: w.consumer,
      kind: 'worker',
      pid: process.pid,
      queues: ['mail', 'count'],
      concurrency: 3,
      inFlight: 0,
    });
    expect(live?.host).toBe(w.consumer.split(':')[0]);
    expect(live?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(live?.startedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(live?.lastSeenMs).toBeGreaterThanOrEqual(0);
    expect((await s.stats('mail'))[0]?.workers).toBe(1);
    await expect(s.deleteQueue('mail')).rejects.toThrow(/1 live worker\(s\).*pass force/);
    await w.stop();
    expect(await s.listWorkers()).toEqual([]);
    expect((await s.stats('mail'))[0]?.workers).toBe(0);
    expect(await s.connection.send(['HLEN', `${prefix}:workers`])).toBe(0);
    await s.close();
  });

  it('lists a push dispatcher as kind push; it publishes the schemas of the jobs it forwards', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const p = await startTracked(
      await createPushDispatcher({
        ...testKnobs(),
        prefix,
        to: 'http://127.0.0.1:9/jobs',
        secrets: 'k',
        jobs: [email],
      }),
      'push',
    );
    expect(await s.listWorkers()).toEqual([
      expect.objectContaining({ consumer: p.consumer, kind: 'push', queues: ['mail'] }),
    ]);
    const [e] = await s.findJobDefinition('send-email');
    expect(e?.schema).toMatchObject({ type: 'object' });
    await p.stop();
    await s.close();
  });

  it('lists a drain while it runs, as kind drain, and forgets it when it ends', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const slow = defineJob({ name: 'slow', timeout: 20_000, handler: () => held });
    await s.enqueue(slow, {});
    const run = drain({ ...testKnobs(), prefix, jobs: [slow], budgetMs: 30_000 });
    const [d] = await waitFor(async () => {
      const ws = await s.listWorkers();
      return ws.length && ws[0]?.inFlight === 1 ? ws : undefined;
    }, 'the drain to hold its job');
    expect(d).toMatchObject({ kind: 'drain', queues: ['slow'], pid: process.pid });
    release();
    expect((await run).processed).toBe(1);
    expect(await s.listWorkers()).toEqual([]);
    expect(await s.connection.send(['HLEN', `${prefix}:workers`])).toBe(0);
    await s.close();
  });

  it('drops a killed worker process at once and reaps its consumer once its job is reclaimed', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const child = spawn(process.execPath, ['--conditions=@sluice/source', '--import', 'tsx', fixture], {
      cwd: root,
      env: { ...process.env, REDIS_URL: redisUrl(), PREFIX: prefix, LEASE: '500' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    kills.push(child.pid as number);
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    const dead = await waitFor(async () => /ready (\S+)/.exec(out)?.[1], 'the worker process to start', 30_000);
    await s.enqueue('work', { ms: 60_000 });
    const k = s.keys('work');
    await waitFor(async () => (await s.listWorkers())[0]?.inFlight === 1, 'the process to hold the job');
    expect((await s.listWorkers()).map((x) => x.consumer)).toEqual([dead]);
    process.kill(child.pid as number, 'SIGKILL');
    await waitFor(async () => (await s.listWorkers()).length === 0, 'the killed worker to drop out');
    expect((await s.stats('work'))[0]?.workers).toBe(0);
    // another worker reclaims the job after the lease, then deletes the dead consumer (it holds nothing by then)
    const w = await startWorker(prefix, {
      jobs: [defineJob({ name: 'work', handler: async () => {} })],
    });
    const names = async () => ((await consumersOf(s.connection, k)) as string[][]).map((c) => c[1]);
    await waitFor(async () => !(await names()).includes(dead), 'the dead consumer to be reaped');
    await waitFor(
      async () => Number(((await s.connection.send(['XPENDING', k.stream, GROUP])) as [number])[0]) === 0,
      'the reclaimed job to finish',
    );
    expect((await s.listWorkers()).map((x) => x.consumer)).toEqual([w.consumer]);
    await w.stop();
    await s.close();
  });
});
