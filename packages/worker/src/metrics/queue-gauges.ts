/**
 * The queue gauges: set at scrape time from the cached queue stats (core's inspector). When Redis does not
 * answer, the gauges are left empty for that scrape (the counters are still served) and a warning is logged
 * once per outage.
 */
import type { QueueStats } from '@sluice/core';
import { Gauge } from 'prom-client';
import type { AnyRegistry } from './catalog.js';
import { QUEUE_GAUGES } from './names.js';

/** Options of {@link registerQueueGauges}. */
export interface QueueGaugeOptions {
  /** Told when a scrape could not read the stats, once per outage. */
  onError(err: unknown): void;
  /** Told when stats could be read again after an error. */
  onRecovered(): void;
}

/** The value of each queue gauge for one queue's stats. */
export function gaugeValues(s: QueueStats): Record<keyof typeof QUEUE_GAUGES, number> {
  return {
    ready: s.ready,
    running: s.running,
    delayed: s.delayed,
    dead: s.dead,
    oldestReadyAge: (s.oldestReadyAgeMs ?? 0) / 1000,
    paused: s.paused ? 1 : 0,
    flowQueued: s.flow.queued,
    flowDelayed: s.flow.delayed,
    flowSkipped: s.flow.skipped,
    workers: s.workers, // the live-worker count of core's inspector (workers.ts), as `queue stats` shows
  };
}

/** Register the queue gauges on `registry`, read from `source` (a StatsCache) at scrape time. */
export function registerQueueGauges(
  registry: AnyRegistry,
  source: { get(): Promise<QueueStats[]> },
  o: QueueGaugeOptions,
): void {
  let failing = false;
  type Row = { queue: string; values: Record<keyof typeof QUEUE_GAUGES, number> };
  const read = async (): Promise<Row[] | undefined> => {
    try {
      const stats = await source.get();
      if (failing) o.onRecovered();
      failing = false;
      return stats.map((s) => ({ queue: s.queue, values: gaugeValues(s) }));
    } catch (err) {
      if (!failing) o.onError(err);
      failing = true;
      return undefined;
    }
  };
  for (const key of Object.keys(QUEUE_GAUGES) as Array<keyof typeof QUEUE_GAUGES>) {
    const [name, help] = QUEUE_GAUGES[key];
    new Gauge({
      name,
      help,
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        const rows = await read();
        this.reset();
        for (const row of rows ?? []) this.set({ queue: row.queue }, row.values[key]);
      },
    });
  }
}
