/**
 * Per-job counters and histograms fed by the worker's typed events: no Redis command per job, and nothing at
 * all when metrics are off (these listeners are the only cost, registered only when metrics are on). Wait time
 * is measured from the stream entry's id (the millisecond it became ready: enqueued, promoted or retried) to
 * `job:started`.
 */
import type { Clock } from '@sluice/core';
import type { WorkerEventMap, WorkerEventName, WorkerListener } from '../events.js';
import type { JobMetrics } from './catalog.js';

/** The part of a worker's events the metrics listen to. */
export interface EventSource {
  on<K extends WorkerEventName>(event: K, listener: WorkerListener<K>): () => void;
}

/** Dead-letter reasons where the handler ran (its time is observed); the others never ran it. */
const RAN: ReadonlySet<string> = new Set(['failed', 'unrecoverable']);

/** Milliseconds of a stream entry id (`<ms>-<seq>`), NaN when malformed. */
export const entryMs = (entryId: string): number => Number(entryId.slice(0, entryId.indexOf('-')));

/** Seconds from `from` to `to` (ms), never negative (the worker's clock may trail Redis's). */
const seconds = (fromMs: number, toMs: number): number => Math.max(0, toMs - fromMs) / 1000;

/** Update `m` from the events of `source`; returns a function that removes every listener. */
export function countJobEvents(source: EventSource, m: JobMetrics, clock: Clock): () => void {
  const c = m.counters;
  const labels = (p: { queue: string; name: string }) => ({ queue: p.queue, job: p.name });
  const offs = [
    source.on('job:started', (p) => {
      const ready = entryMs(p.entryId);
      if (Number.isFinite(ready)) m.wait.observe(labels(p), seconds(ready, clock.now()));
    }),
    source.on('job:succeeded', (p) => {
      c.completed.inc(labels(p));
      m.duration.observe({ ...labels(p), outcome: 'succeeded' }, p.durationMs / 1000);
    }),
    source.on('job:retrying', (p) => {
      c.failed.inc(labels(p));
      c.retried.inc(labels(p));
      m.duration.observe({ ...labels(p), outcome: 'retrying' }, p.durationMs / 1000);
    }),
    source.on('job:dead', (p: WorkerEventMap['job:dead']) => {
      c.failed.inc(labels(p));
      c.deadLettered.inc(labels(p));
      if (RAN.has(p.reason)) m.duration.observe({ ...labels(p), outcome: 'dead' }, p.durationMs / 1000);
    }),
    source.on('job:reclaimed', (p) => c.reclaimed.inc(labels(p))),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/** A hook for an enqueue context: counts every job written (deduplicated enqueues are not counted). */
export const countEnqueues =
  (m: JobMetrics) =>
  (queue: string, job: string, count: number): void =>
    m.counters.enqueued.inc({ queue, job }, count);
