/** Registering the per-job counters and histograms (names.ts, series.ts) on a prom-client registry. */
import type { Metric, Registry, RegistryContentType } from 'prom-client';
import { JobSeriesTable, seriesMetrics } from './series.js';

/** A prom-client registry of either exposition format. */
export type AnyRegistry = Registry<RegistryContentType>;

/** Throws naming the metric when `registry` already holds a Sluice metric (two workers on one registry). */
export function assertFree(registry: AnyRegistry, names: readonly string[]): void {
  for (const name of names) {
    if (registry.getSingleMetric(name)) {
      throw new Error(`metrics.registry already holds ${name}: give each worker or exporter its own registry`);
    }
  }
}

/** Register the job counters and histograms on `registry`; returns the table the events update. */
export function registerJobMetrics(registry: AnyRegistry): JobSeriesTable {
  const table = new JobSeriesTable();
  // The registry formats any object with name, help, type and get() (prom-client 15's Registry.metrics).
  for (const m of seriesMetrics(table)) registry.registerMetric(m as unknown as Metric);
  return table;
}
