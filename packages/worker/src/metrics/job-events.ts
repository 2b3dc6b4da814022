/**
 * Per-job counters and histograms fed by the worker's typed events: no Redis command per job, and nothing at
 * all when metrics are off (these listeners are the only cost, registered only when metrics are on). Wait time
 * is measured from the stream entry's id (the millisecond it became ready: enqueued, promoted or retried) to
 * the handler's start (`startedAt` of the event that ends the attempt).
 */
import type { WorkerEventName, WorkerListener } from '../events.js';
import type { JobSeries, JobSeriesTable } from './series.js';

/** The part of a worker's events the metrics listen to. */
export interface EventSource {
  on<K extends WorkerEventName>(event: K, listener: WorkerListener<K>): () => void;
}

/** Dead-letter reasons where the handler ran (its time is observed); the others never ran it. */
const RAN: ReadonlySet<string> = new Set(['failed', 'unrecoverable']);

/** Milliseconds of a stream entry id (`<ms>-<seq>`), NaN when malformed (read by hand: once per job). */
export function entryMs(entryId: string): number {
  let ms = 0;
  let i = 0;
  for (; i < entryId.length; i++) {
    const d = entryId.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    ms = ms * 10 + d;
  }
  return i > 0 && i < entryId.length && entryId.charCodeAt(i) === 45 ? ms : Number.NaN;
}

/** Observe the wait of a job that started at `startedAt` (0: its handler did not run) from its entry's time. */
function observeWait(s: JobSeries, entryId: string, startedAt: number): void {
  if (startedAt <= 0) return;
  const ready = entryMs(entryId);
  if (!Number.isNaN(ready)) s.wait.observe(Math.max(0, startedAt - ready) / 1000); // a malformed id is skipped
}

/**
 * Update `table` from the events of `source`; returns a function that removes every listener. Listens to the
 * events that end an attempt only (each carries the handler's start time): one listener call per job.
 */
export function countJobEvents(source: EventSource, table: JobSeriesTable): () => void {
  const offs = [
    source.on('job:succeeded', (p) => {
      const s = table.get(p.queue, p.name);
      s.counters.completed++;
      s.durationOf('succeeded').observe(p.durationMs / 1000);
      observeWait(s, p.entryId, p.startedAt);
    }),
    source.on('job:retrying', (p) => {
      const s = table.get(p.queue, p.name);
      s.counters.failed++;
      s.counters.retried++;
      s.durationOf('retrying').observe(p.durationMs / 1000);
      observeWait(s, p.entryId, p.startedAt);
    }),
    source.on('job:dead', (p) => {
      const s = table.get(p.queue, p.name);
      s.counters.failed++;
      s.counters.deadLettered++;
      if (RAN.has(p.reason)) {
        s.durationOf('dead').observe(p.durationMs / 1000);
        observeWait(s, p.entryId, p.startedAt);
      }
    }),
    source.on('job:queued', (p) => {
      table.get(p.queue, p.name).counters.queued++;
    }),
    source.on('job:delayed', (p) => {
      table.get(p.queue, p.name).counters.rateDelayed++;
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
