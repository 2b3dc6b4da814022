/**
 * The metrics surface `@sluice/worker/internal` exposes without loading prom-client: option and result types,
 * the metric names, and a lazy starter of the standalone exporter (the root exports only `MetricsOptions`).
 */
import type { MetricsExporter, MetricsExporterOptions } from './exporter.js';

export type { MetricsExporter, MetricsExporterOptions } from './exporter.js';
export * from './names.js';
export { METRICS_DEFAULTS, type MetricsOptions } from './options.js';

/** Serve the queue gauges of every (or the named) queue on `/metrics`, for `sluice metrics` (loads prom-client). */
export async function startMetricsExporter(options: MetricsExporterOptions): Promise<MetricsExporter> {
  return (await import('./exporter.js')).startMetricsExporter(options);
}
