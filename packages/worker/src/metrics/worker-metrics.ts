/**
 * The metrics of one worker: job counters and histograms from its events, its busy slots, the queue gauges
 * of its queues (read from Redis at scrape time, cached), and the HTTP server with `/healthz` and `/readyz`.
 * Loaded (with prom-client) only when `createWorker({ metrics })` is given: a worker without metrics pays
 * neither the import nor a listener.
 */
import { type EnqueueContext, type RedisExecutor, stats } from '@sluice/core/internal';
import type { Logger } from 'pino';
import { Gauge, Registry } from 'prom-client';
import type { ResolvedOptions } from '../options.js';
import { registerBuildInfo } from './build-info.js';
import { assertFree, registerJobMetrics } from './catalog.js';
import { type MetricsServer, type Readiness, startMetricsServer } from './http-server.js';
import { countEnqueues, countJobEvents, type EventSource } from './job-events.js';
import { METRIC_NAMES, WORKER_GAUGES } from './names.js';
import { type MetricsOptions, resolveMetricsOptions } from './options.js';
import { registerQueueGauges } from './queue-gauges.js';
import { StatsCache, withTimeout } from './stats-cache.js';

/** What a started worker lets its metrics see. */
export interface WorkerProbe {
  /** The worker's connection (stats reads and the readiness PING). */
  exec: RedisExecutor;
  /** The context of `ctx.enqueue`: its jobs are counted. */
  enqueueCtx: EnqueueContext;
  /** Handlers running now, by queue. */
  busy(): ReadonlyMap<string, number>;
  /** Queues whose reader is not running (empty when all read). */
  notReading(): string[];
  /** True from start until stop begins. */
  serving(): boolean;
}

/** The metrics of one worker. */
export interface WorkerMetrics {
  /** Connect the metrics to the started worker's parts (before its readers start). */
  attach(probe: WorkerProbe): void;
  /** Start the HTTP server; rejects naming the address when it cannot listen. */
  listen(): Promise<void>;
  /** Stop the HTTP server and the event listeners. Safe to call twice. */
  close(): Promise<void>;
}

/** Check `options` and register every metric; nothing listens on a port until listen(). */
export function createWorkerMetrics(
  options: MetricsOptions,
  w: { events: EventSource; opts: ResolvedOptions; log: Logger },
): WorkerMetrics {
  const { opts } = w;
  const o = resolveMetricsOptions(options, 'createWorker: metrics');
  const log = w.log.child({ component: 'metrics' });
  const registry = o.registry ?? new Registry();
  assertFree(registry, METRIC_NAMES);
  const m = registerJobMetrics(registry);
  registerBuildInfo(registry);
  let probe: WorkerProbe | undefined;
  new Gauge({ name: WORKER_GAUGES.slots[0], help: WORKER_GAUGES.slots[1], registers: [registry] }).set(
    opts.concurrency,
  );
  new Gauge({
    name: WORKER_GAUGES.busy[0],
    help: WORKER_GAUGES.busy[1],
    labelNames: ['queue'] as const,
    registers: [registry],
    collect() {
      const busy = probe?.busy();
      for (const queue of opts.queues) this.set({ queue }, busy?.get(queue) ?? 0);
    },
  });
  let cache: StatsCache | undefined; // made on attach: before start() there are no queue gauges
  if (o.queueGauges && opts.queues.length > 0) {
    registerQueueGauges(
      registry,
      { get: () => cache?.get() ?? Promise.resolve([]) },
      {
        onError: (err) => log.warn({ err }, 'metrics: could not read queue stats; queue gauges are left out'),
        onRecovered: () => log.info('metrics: queue stats can be read again'),
      },
    );
  }
  // Counters start at 0 for the jobs this worker runs, so rate() and alerts see a series from the first scrape.
  for (const job of opts.jobs.values()) if (opts.queues.includes(job.queue)) m.get(job.queue, job.name);
  const stopListening = countJobEvents(w.events, m);
  let server: MetricsServer | undefined;
  let closed = false;

  const readiness = async (): Promise<Readiness> => {
    if (!probe?.serving()) return { ready: false, reason: 'the worker is not running' };
    try {
      await withTimeout(probe.exec.send(['PING']), o.timeoutMs);
    } catch (err) {
      return { ready: false, reason: `Redis does not answer PING (${(err as Error).message})` };
    }
    const idle = probe.notReading();
    return idle.length === 0 ? { ready: true } : { ready: false, reason: `not reading queue(s) ${idle.join(', ')}` };
  };

  return {
    attach(p) {
      probe = p;
      cache = new StatsCache({
        read: () => stats(p.exec, opts.prefix, opts.queues),
        cacheMs: o.cacheMs,
        timeoutMs: o.timeoutMs,
        clock: opts.clock,
      });
      p.enqueueCtx.onEnqueued = countEnqueues(m);
    },
    async listen() {
      server = await startMetricsServer({
        port: o.port,
        host: o.host,
        registry,
        readiness,
        onError: (err) => log.error({ err }, 'metrics: serving a request failed'),
      });
      log.info(`metrics on http://${server.host}:${server.port}/metrics (and /healthz, /readyz)`);
    },
    async close() {
      if (closed) return;
      closed = true;
      stopListening();
      await server?.close();
    },
  };
}
