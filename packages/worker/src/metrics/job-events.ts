/**
 * Per-job counters and histograms fed by the worker's typed events: no Redis command per job, and nothing at
 * all when metrics are off (these listeners are the only cost, registered only when metrics are on). Wait time
 * is measured from the stream entry's id (the millisecond it became ready: enqueued, promoted or retried) to
 * `job:started`.
 */
import type { Clock } from '@sluice/core';
import type { WorkerEventName, WorkerListener } from '../events.js';
import type { JobSeriesTable } from './series.js';

/** The part of a worker's events the metrics listen to. */
export interface EventSource {
  on<K extends WorkerEventName>(event: K, listener: WorkerListener<K>): () => void;
}

/** Dead-letter reasons where the handler ran (its time is observed); the others never ran it. */
const RAN: ReadonlySet<string> = new Set(['failed', 'unrecoverable']);

/** Milliseconds of a stream entry id (`<ms>-<seq>`), NaN when malformed. */
export const entryMs = (entryId: string): number => Number(entryId.slice(0, entryId.indexOf('-')));

/** Update `table` from the events of `source`; returns a function that removes every listener. */
export function countJobEvents(source: EventSource, table: JobSeriesTable, clock: Clock): () => void {
  const offs = [
    source.on('job:started', (p) => {
      const ready = entryMs(p.entryId);
      if (Number.isFinite(ready)) table.get(p.queue, p.name).wait.observe(Math.max(0, clock.now() - ready) / 1000);
    }),
    source.on('job:succeeded', (p) => {
      const s = table.get(p.queue, p.name);
      s.counters.completed++;
      s.durationOf('succeeded').observe(p.durationMs / 1000);
    }),
    source.on('job:retrying', (p) => {
      const s = table.get(p.queue, p.name);
      s.counters.failed++;
      s.counters.retried++;
      s.durationOf('retrying').observe(p.durationMs / 1000);
    }),
    source.on('job:dead', (p) => {
      const s = table.get(p.queue, p.name);
      s.counters.failed++;
      s.counters.deadLettered++;
      if (RAN.has(p.reason)) s.durationOf('dead').observe(p.durationMs / 1000);
    }),
    source.on('job:cancelled', (p) => {
      table.get(p.queue, p.name).counters.cancelled++;
    }),
    source.on('job:reclaimed', (p) => {
      table.get(p.queue, p.name).counters.reclaimed++;
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/** A hook for an enqueue context: counts every job written (deduplicated enqueues are not counted). */
export const countEnqueues =
  (table: JobSeriesTable) =>
  (queue: string, job: string, count: number): void => {
    table.get(queue, job).counters.enqueued += count;
  };
