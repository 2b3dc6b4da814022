import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { WorkerEvents } from '../events.js';
import { registerJobMetrics } from './catalog.js';
import { countEnqueues, countJobEvents, entryMs } from './job-events.js';

const base = { queue: 'q', name: 'j', jobId: 'id1', attempt: 1, entryId: '1000-0' };
/** The handler started 2.5 s after the entry's time. */
const started = { startedAt: 3500 };

async function values(registry: Registry, name: string) {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return ((m?.values ?? []) as Array<{ labels: object; value: number; metricName?: string }>).map(
    (v: { labels: object; value: number; metricName?: string }) => ({
      labels: v.labels as Record<string, string>,
      value: v.value,
      metricName: v.metricName,
    }),
  );
}

describe('job metrics from worker events', () => {
  it('counts outcomes, observes durations by outcome and wait from the entry id', async () => {
    const registry = new Registry();
    const m = registerJobMetrics(registry);
    const events = new WorkerEvents();
    const off = countJobEvents(events, m);
    events.emit('job:succeeded', { ...base, ...started, durationMs: 20 });
    events.emit('job:retrying', {
      ...base,
      ...started,
      durationMs: 30,
      error: new Error('x'),
      delayMs: 0,
      nextAttempt: 2,
    });
    events.emit('job:dead', { ...base, ...started, durationMs: 40, reason: 'failed', error: 'x' });
    events.emit('job:dead', { ...base, startedAt: 0, durationMs: 0, reason: 'poison', error: 'crashed' });
    events.emit('job:reclaimed', { queue: 'q', name: 'j', jobId: 'id1', attempt: 1, entryId: '1-0', deliveries: 2 });
    countEnqueues(m)('side', 'child', 3);
    const one = { queue: 'q', job: 'j' };
    expect((await values(registry, 'sluice_jobs_completed_total'))[0]).toEqual({
      labels: one,
      value: 1,
      metricName: undefined,
    });
    expect((await values(registry, 'sluice_jobs_failed_total'))[0]?.value).toBe(3);
    expect((await values(registry, 'sluice_jobs_retried_total'))[0]?.value).toBe(1);
    expect((await values(registry, 'sluice_jobs_dead_lettered_total'))[0]?.value).toBe(2);
    expect((await values(registry, 'sluice_jobs_reclaimed_total'))[0]?.value).toBe(1);
    // every series carries every counter (0 until counted)
    expect(await values(registry, 'sluice_jobs_enqueued_total')).toEqual([
      { labels: one, value: 0, metricName: undefined },
      { labels: { queue: 'side', job: 'child' }, value: 3, metricName: undefined },
    ]);
    const sums = (await values(registry, 'sluice_job_duration_seconds')).filter((v) => v.metricName?.endsWith('_sum'));
    // a poison dead letter never ran its handler: no duration observed for it
    expect(sums.map((v) => [v.labels.outcome, v.value])).toEqual([
      ['succeeded', 0.02],
      ['retrying', 0.03],
      ['dead', 0.04],
    ]);
    // the wait of each attempt whose handler ran (the poison dead letter's never did)
    const wait = await values(registry, 'sluice_job_wait_seconds');
    expect(wait.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(3);
    expect(wait.find((v) => v.metricName?.endsWith('_sum'))?.value).toBe(7.5);
    off();
    events.emit('job:succeeded', { ...base, ...started, durationMs: 1 });
    expect((await values(registry, 'sluice_jobs_completed_total'))[0]?.value).toBe(1);
  });

  it('clamps a wait to 0 when the clock trails the entry id, and skips a malformed id', async () => {
    const registry = new Registry();
    const m = registerJobMetrics(registry);
    const events = new WorkerEvents();
    countJobEvents(events, m);
    events.emit('job:succeeded', { ...base, startedAt: 500, durationMs: 1 });
    events.emit('job:succeeded', { ...base, entryId: 'garbage', startedAt: 500, durationMs: 1 });
    const wait = await values(registry, 'sluice_job_wait_seconds');
    expect(wait.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(1);
    expect(wait.find((v) => v.metricName?.endsWith('_sum'))?.value).toBe(0);
    expect(entryMs('1700000000123-4')).toBe(1700000000123);
    expect(entryMs('nope')).toBeNaN();
    for (const bad of ['', '-1', '123', '12a-0', '123_4']) expect(entryMs(bad), bad).toBeNaN();
    expect(entryMs('0-1')).toBe(0);
  });
});
