/** Registering the per-job counters and histograms (names.ts) on a prom-client registry. */
import { Counter, Histogram, type Registry, type RegistryContentType } from 'prom-client';
import { COUNTERS, DURATION_BUCKETS, HISTOGRAMS } from './names.js';

/** A prom-client registry of either exposition format. */
export type AnyRegistry = Registry<RegistryContentType>;

/** The per-job counters and histograms, registered on one registry. */
export interface JobMetrics {
  counters: { [K in keyof typeof COUNTERS]: Counter<'queue' | 'job'> };
  duration: Histogram<'queue' | 'job' | 'outcome'>;
  wait: Histogram<'queue' | 'job'>;
}

/** Throws naming the metric when `registry` already holds a Sluice metric (two workers on one registry). */
export function assertFree(registry: AnyRegistry, names: readonly string[]): void {
  for (const name of names) {
    if (registry.getSingleMetric(name)) {
      throw new Error(`metrics.registry already holds ${name}: give each worker or exporter its own registry`);
    }
  }
}

/** Register the job counters and histograms on `registry`. */
export function registerJobMetrics(registry: AnyRegistry): JobMetrics {
  const registers = [registry];
  const counter = ([name, help]: readonly [string, string]) =>
    new Counter({ name, help, labelNames: ['queue', 'job'] as const, registers });
  return {
    counters: {
      enqueued: counter(COUNTERS.enqueued),
      completed: counter(COUNTERS.completed),
      failed: counter(COUNTERS.failed),
      retried: counter(COUNTERS.retried),
      deadLettered: counter(COUNTERS.deadLettered),
      reclaimed: counter(COUNTERS.reclaimed),
      cancelled: counter(COUNTERS.cancelled),
    },
    duration: new Histogram({
      name: HISTOGRAMS.duration[0],
      help: HISTOGRAMS.duration[1],
      labelNames: ['queue', 'job', 'outcome'] as const,
      buckets: [...DURATION_BUCKETS],
      registers,
    }),
    wait: new Histogram({
      name: HISTOGRAMS.wait[0],
      help: HISTOGRAMS.wait[1],
      labelNames: ['queue', 'job'] as const,
      buckets: [...DURATION_BUCKETS],
      registers,
    }),
  };
}
