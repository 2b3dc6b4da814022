/**
 * `sluice metrics` (standalone exporter) and `sluice worker start --metrics-port`, spawned as a user runs them:
 * scraped over HTTP, gauges equal queue stats, SIGINT stops them (exit 0, port closed); bad flags are usage errors.
 */
import { metricsCommand, workerStartCommand } from '@sluice/cli';
import { createSluice } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { conn, JOBS_FIXTURE, run, seedDead, startSluice } from '../cli/cli-helpers.js';
import { waitFor } from '../helpers.js';
import { freePort } from '../redis-server.js';
import { get, scrape } from './metrics-helpers.js';
import { sampleValue } from './prom-text.js';

describe('sluice metrics', () => {
  it('exports the gauges of the named queues, equal to queue stats, until SIGINT', async () => {
    const c = conn();
    await seedDead(c, 'mails', 2);
    const s = await createSluice({ url: c.redis, prefix: c.prefix });
    for (let i = 0; i < 3; i++) await s.enqueue('send-email', {}, { queue: 'mails' });
    await s.enqueue('report', {}, { queue: 'reports', delay: '1h' });
    await s.pause('mails');
    const port = await freePort();
    const p = startSluice([
      'metrics',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--queue',
      'mails',
      '--redis',
      c.redis,
      '--prefix',
      c.prefix,
    ]);
    await waitFor(async () => (await get(port, '/readyz')).status === 200, 'the exporter to serve', 15_000);
    const m = await scrape(port);
    const [st] = await s.stats('mails');
    const q = { queue: 'mails' };
    expect(sampleValue(m, 'sluice_queue_ready', q)).toBe(3);
    expect(sampleValue(m, 'sluice_queue_ready', q)).toBe(st?.ready);
    expect(sampleValue(m, 'sluice_queue_dead', q)).toBe(2);
    expect(sampleValue(m, 'sluice_queue_running', q)).toBe(st?.running);
    expect(sampleValue(m, 'sluice_queue_paused', q)).toBe(1);
    expect(sampleValue(m, 'sluice_queue_oldest_ready_age_seconds', q)).toBeGreaterThanOrEqual(0);
    expect(m.get('sluice_queue_delayed')?.samples.map((x) => x.labels.queue)).toEqual(['mails']);
    expect(sampleValue(m, 'sluice_build_info')).toBe(1);
    // the exporter counts nothing itself: no job counters, no worker gauges
    expect(m.has('sluice_jobs_completed_total')).toBe(false);
    p.child.kill('SIGINT');
    const done = await p.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`serving metrics on http://127.0.0.1:${port}/metrics`);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    await s.close();
  });

  it('exports every known queue when none is named', async () => {
    const c = conn();
    const s = await createSluice({ url: c.redis, prefix: c.prefix });
    await s.enqueue('a', {});
    await s.enqueue('b', {}, { delay: '1h' });
    const port = await freePort();
    const p = startSluice([
      'metrics',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--redis',
      c.redis,
      '--prefix',
      c.prefix,
    ]);
    await waitFor(async () => (await get(port, '/healthz')).status === 200, 'the exporter to serve', 15_000);
    const m = await scrape(port);
    expect(sampleValue(m, 'sluice_queue_ready', { queue: 'a' })).toBe(1);
    expect(sampleValue(m, 'sluice_queue_delayed', { queue: 'b' })).toBe(1);
    p.child.kill('SIGINT');
    expect((await p.done).code).toBe(0);
    await s.close();
  });

  it('bad flags are usage errors naming the flag', async () => {
    const c = conn();
    const bad = async (o: Parameters<typeof metricsCommand>[0]) => run((io) => metricsCommand({ ...c, ...o }, io));
    expect(await bad({})).toMatchObject({ code: 2, stderr: ['sluice: --port is required, e.g. --port 9464'] });
    expect(await bad({ port: '70000' })).toMatchObject({
      code: 2,
      stderr: ['sluice: --port expects a port from 0 to 65535; got "70000"'],
    });
    expect((await bad({ port: 1, cache: 'soon' })).stderr[0]).toMatch(/^sluice: --cache expects a duration/);
    const w = await run((io) => workerStartCommand({ ...c, modules: [JOBS_FIXTURE], metricsHost: '127.0.0.1' }, io));
    expect(w).toMatchObject({ code: 2, stderr: ['sluice: --metrics-host needs --metrics-port'] });
    const w2 = await run((io) => workerStartCommand({ ...c, modules: [JOBS_FIXTURE], metricsPort: 'x' }, io));
    expect(w2).toMatchObject({ code: 2, stderr: ['sluice: --metrics-port expects a whole number >= 0; got "x"'] });
  });
});

describe('sluice worker start --metrics-port', () => {
  it('serves /metrics and the probes while the worker runs, and closes the port on SIGINT', async () => {
    const c = conn();
    const g = ['--redis', c.redis, '--prefix', c.prefix];
    const port = await freePort();
    const w = startSluice([
      'worker',
      'start',
      JOBS_FIXTURE,
      '--metrics-port',
      String(port),
      '--metrics-host',
      '127.0.0.1',
      '--log-level',
      'warn',
      ...g,
    ]);
    await waitFor(async () => (await get(port, '/readyz')).status === 200, 'the worker to be ready', 15_000);
    const s = await createSluice({ url: c.redis, prefix: c.prefix });
    await s.enqueue('report', {});
    await waitFor(async () => {
      const m = await scrape(port);
      return sampleValue(m, 'sluice_jobs_completed_total', { queue: 'report', job: 'report' }) === 1;
    }, 'the job to be counted');
    const m = await scrape(port);
    expect(sampleValue(m, 'sluice_worker_slots')).toBe(10);
    expect(sampleValue(m, 'sluice_workers', { queue: 'report' })).toBe(1);
    w.child.kill('SIGINT');
    expect((await w.done).code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    await s.close();
  });
});
