/**
 * A worker's /metrics over real HTTP: counters equal what the test did (a reclaimed job included), queue gauges equal queue stats,
 * histograms carry the OpenTelemetry buckets, probes answer, the server closes on stop, registries are kept apart.
 */
import { createSluice, defineJob } from '@sluice/core';
import { createWorker } from '@sluice/worker';
import { DURATION_BUCKETS, METRIC_NAMES } from '@sluice/worker/internal';
import { register as globalRegistry, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { redisUrl, uniquePrefix, waitFor } from '../helpers.js';
import { crashedConsumer } from '../queue-fixtures.js';
import { freePort } from '../redis-server.js';
import { producer, record, startWorker, testKnobs } from '../worker/harness.js';
import { get, labelNames, scrape } from './metrics-helpers.js';
import { sampleValue } from './prom-text.js';

const N = 12; // jobs that succeed
const M = 3; // jobs that fail twice and are dead-lettered
const K = 4; // follow-ups each parent enqueues with ctx.enqueue
const probe = defineJob({ name: 'probe', handler: () => {} });

const ok = defineJob({ name: 'ok', queue: 'mq', handler: () => {} });
const bad = defineJob({
  name: 'bad',
  queue: 'mq',
  retry: { attempts: 2, backoff: { type: 'fixed', delay: 0 } },
  handler: () => {
    throw new Error('always fails');
  },
});
const child = defineJob({ name: 'child', queue: 'side', handler: () => {} });
const parent = defineJob({
  name: 'parent',
  queue: 'mq',
  handler: async (_p: unknown, ctx) => {
    for (let i = 0; i < K; i++) await ctx.enqueue(child, {});
  },
});

describe('worker metrics', () => {
  it('counts what the worker did; gauges match queue stats; histograms use the OTel buckets', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const port = await freePort();
    const w = await startWorker(prefix, { jobs: [ok, bad, parent], metrics: { port, host: '127.0.0.1' } });
    const succeeded = record('job:succeeded', w);
    const dead = record('job:dead', w);
    await s.enqueueMany(
      ok,
      Array.from({ length: N }, () => ({})),
    );
    for (let i = 0; i < M; i++) await s.enqueue(bad, {});
    await s.enqueue(parent, {});
    await waitFor(() => succeeded.length === N + 1 && dead.length === M, 'every job finished');

    const m = await scrape(port);
    const q = (job: string) => ({ queue: 'mq', job });
    expect(sampleValue(m, 'sluice_jobs_completed_total', q('ok'))).toBe(N);
    expect(sampleValue(m, 'sluice_jobs_completed_total', q('parent'))).toBe(1);
    expect(sampleValue(m, 'sluice_jobs_failed_total', q('bad'))).toBe(2 * M);
    expect(sampleValue(m, 'sluice_jobs_retried_total', q('bad'))).toBe(M);
    expect(sampleValue(m, 'sluice_jobs_dead_lettered_total', q('bad'))).toBe(M);
    expect(sampleValue(m, 'sluice_jobs_failed_total', q('ok'))).toBe(0);
    expect(sampleValue(m, 'sluice_jobs_reclaimed_total', q('ok'))).toBe(0);
    expect(sampleValue(m, 'sluice_jobs_cancelled_total', q('ok'))).toBe(0);
    expect(sampleValue(m, 'sluice_jobs_enqueued_total', { queue: 'side', job: 'child' })).toBe(K);

    const d = (job: string, outcome: string) => ({ ...q(job), outcome });
    expect(sampleValue(m, 'sluice_job_duration_seconds_count', d('ok', 'succeeded'))).toBe(N);
    expect(sampleValue(m, 'sluice_job_duration_seconds_count', d('bad', 'retrying'))).toBe(M);
    expect(sampleValue(m, 'sluice_job_duration_seconds_count', d('bad', 'dead'))).toBe(M);
    expect(sampleValue(m, 'sluice_job_wait_seconds_count', q('ok'))).toBe(N);
    expect(sampleValue(m, 'sluice_job_wait_seconds_count', q('bad'))).toBe(2 * M);
    for (const name of ['sluice_job_duration_seconds', 'sluice_job_wait_seconds']) {
      const les = m
        .get(name)
        ?.samples.filter((x) => x.name === `${name}_bucket` && x.labels.job === 'ok')
        .filter((x, _i, all) => all.every((y) => y.labels.outcome === x.labels.outcome))
        .map((x) => x.labels.le);
      expect(les, name).toEqual([...DURATION_BUCKETS.map(String), '+Inf']);
    }

    const [st] = await s.stats('mq');
    expect(st).toBeDefined();
    const g = { queue: 'mq' };
    expect(sampleValue(m, 'sluice_queue_ready', g)).toBe(st?.ready);
    expect(sampleValue(m, 'sluice_queue_running', g)).toBe(st?.running);
    expect(sampleValue(m, 'sluice_queue_delayed', g)).toBe(st?.delayed);
    expect(sampleValue(m, 'sluice_queue_dead', g)).toBe(M);
    expect(sampleValue(m, 'sluice_queue_dead', g)).toBe(st?.dead);
    expect(sampleValue(m, 'sluice_queue_oldest_ready_age_seconds', g)).toBe(0);
    expect(sampleValue(m, 'sluice_queue_paused', g)).toBe(0);
    expect(sampleValue(m, 'sluice_workers', g)).toBe(1);
    expect(sampleValue(m, 'sluice_worker_busy_slots', g)).toBe(0);
    expect(sampleValue(m, 'sluice_worker_slots')).toBe(10);
    expect(sampleValue(m, 'sluice_build_info', { version: '0.1.0' })).toBe(1);
    // every name is one Sluice documents, and labels never carry ids or consumer names
    for (const name of m.keys()) expect(METRIC_NAMES).toContain(name);
    expect([...labelNames(m)].sort()).toEqual(['job', 'le', 'outcome', 'queue', 'version']);
    expect(JSON.stringify([...m.values()])).not.toContain(w.consumer);

    expect(await get(port, '/healthz')).toMatchObject({ status: 200 });
    expect(await get(port, '/readyz')).toMatchObject({ status: 200, body: 'ready\n' });
    expect(await get(port, '/nope')).toMatchObject({ status: 404 });
    await w.stop();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    await s.close();
  });

  it('counts a job reclaimed from a consumer that died holding it', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const k = s.keys('probe');
    await s.enqueue(probe, {});
    await crashedConsumer(s.connection, k); // read the job and died holding it
    const port = await freePort();
    const w = await startWorker(prefix, { jobs: [probe], metrics: { port, host: '127.0.0.1' } });
    const done = record('job:succeeded', w);
    await waitFor(() => done.length === 1, 'the reclaimed job ran');
    const m = await scrape(port);
    expect(sampleValue(m, 'sluice_jobs_reclaimed_total', { queue: 'probe', job: 'probe' })).toBe(1);
    expect(sampleValue(m, 'sluice_jobs_completed_total', { queue: 'probe', job: 'probe' })).toBe(1);
    await w.stop();
    await s.close();
  });

  it('registers on the registry given, never on the global one; a second worker on it is refused', async () => {
    const registry = new Registry();
    const prefix = uniquePrefix();
    const w = await startWorker(prefix, {
      jobs: [ok],
      metrics: { port: await freePort(), host: '127.0.0.1', registry },
    });
    expect(registry.getSingleMetric('sluice_jobs_completed_total')).toBeDefined();
    expect(globalRegistry.getSingleMetric('sluice_jobs_completed_total')).toBeUndefined();
    await expect(createWorker({ ...testKnobs(), prefix, jobs: [ok], metrics: { port: 0, registry } })).rejects.toThrow(
      'metrics.registry already holds sluice_jobs_enqueued_total',
    );
    await w.stop();
  });

  it('a registry scraped before start() has no queue gauges and logs no warning', async () => {
    const registry = new Registry();
    const lines: string[] = [];
    const logger = { level: 'warn', destination: { write: (l: string) => lines.push(l) } };
    await createWorker({ ...testKnobs(), logger, prefix: uniquePrefix(), jobs: [ok], metrics: { port: 0, registry } });
    const text = await registry.metrics();
    expect(text).toContain('sluice_jobs_completed_total{queue="mq",job="ok"} 0');
    expect(text).not.toMatch(/^sluice_queue_ready\{/m);
    expect(lines).toEqual([]);
  });

  it('a producer counts its own enqueues with the onEnqueued hook (not deduplicated ones)', async () => {
    const counted: Array<[string, string, number]> = [];
    const s = await createSluice({
      url: redisUrl(),
      prefix: uniquePrefix(),
      onEnqueued: (queue, job, count) => counted.push([queue, job, count]),
    });
    await s.enqueue(ok, {});
    await s.enqueueMany(ok, [{}, {}, {}]);
    await s.enqueue(ok, {}, { key: 'k1', delay: '1h' });
    await s.enqueue(ok, {}, { key: 'k1', delay: '1h' }); // deduplicated: not written, not counted
    expect(counted).toEqual([
      ['mq', 'ok', 1],
      ['mq', 'ok', 3],
      ['mq', 'ok', 1],
    ]);
    await s.close();
  });

  it('rejects bad options naming the field, and a port in use naming the address', async () => {
    const base = { ...testKnobs(), prefix: uniquePrefix(), jobs: [ok] };
    await expect(createWorker({ ...base, metrics: { port: 70000 } })).rejects.toThrow(
      'createWorker: metrics.port must be an integer from 0 to 65535; got 70000',
    );
    await expect(createWorker({ ...base, metrics: { port: 1, cacheMs: -1 } })).rejects.toThrow(
      'createWorker: metrics.cacheMs must be an integer',
    );
    const port = await freePort();
    const first = await startWorker(base.prefix, { jobs: [ok], metrics: { port, host: '127.0.0.1' } });
    const second = await createWorker({ ...base, metrics: { port, host: '127.0.0.1' } });
    await expect(second.start()).rejects.toThrow(`metrics: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    expect(second.running).toBe(false);
    await first.stop();
  });
});
