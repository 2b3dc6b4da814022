/**
 * Sluice: createSluice().enqueue / enqueueMany, and one createWorker() with the given concurrency. Every
 * guarantee stays on (fenced acks, leases, dead letters). `commandTimeout` set means @redis/client's
 * per-command timeout is armed (the `sluice-timer` variant); unset means Sluice's default. `metrics` turns on
 * the worker's Prometheus metrics (the `sluice-metrics` variant) and collects them every second, as a scraper
 * with a 1 s interval would (queue gauges read from Redis at most every 5 s, the default cache). `otel` registers
 * an OpenTelemetry tracer provider that samples nothing (the `sluice-otel` variant), before the producer and the
 * worker start: Sluice then makes its send and process spans (non-recording), as with an SDK whose sampler drops.
 * `all` (the `sluice-all` variant, idle scenario) turns every wave-2 feature on at once: metrics served (not scraped:
 * a scrape's commands are the scraper's), OpenTelemetry registered, retention (`keep`), a concurrency and a rate limit, a cron schedule, and the
 * high, low and fair lanes, each made to exist by one job handled before the worker reports ready.
 */
import { createSluice, defineJob, type RedisClientLike } from '@sluice/core';
import { createSluiceClient } from '@sluice/core/internal';
import { createWorker } from '@sluice/worker';
import { Registry } from 'prom-client';
import type { BenchPayload } from '../payload.js';
import { FLOW_KEYS, FLOW_RATE, type Impl, QUEUE, type WorkerSpec } from './types.js';

/** The flow-control options of a `sluice-perkey` or `sluice-rate` worker's job. */
const flowOptions = (flow: 'perkey' | 'rate' | undefined) =>
  flow === 'perkey'
    ? { concurrency: { perKey: 1, key: (p: BenchPayload) => String(p.i % FLOW_KEYS) } }
    : flow === 'rate'
      ? { rateLimit: { limit: FLOW_RATE, period: 1000 } }
      : {};

const noop = defineJob({ name: QUEUE, handler: async (_p: BenchPayload) => {} });

/** Collect `registry` every second until the returned function is called. */
function scrapeEverySecond(registry: Registry): () => void {
  const timer = setInterval(() => void registry.metrics().catch(() => undefined), 1000);
  return () => clearInterval(timer);
}

/** Register an OpenTelemetry SDK that samples nothing (once per process). */
async function registerNonSamplingSdk(): Promise<void> {
  const { trace } = await import('@opentelemetry/api');
  const { AlwaysOffSampler, BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
  trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
}

/** Which Sluice variant to run (types.ts's names); every field defaults to off. */
export interface SluiceVariant {
  /** @redis/client's per-command timeout, in ms (default: Sluice's, none). */
  commandTimeout?: number;
  /** Prometheus metrics on, scraped every second (default off). */
  metrics?: boolean;
  /** An OpenTelemetry SDK that samples nothing (default off). */
  otel?: boolean;
  /** A flow-control option on the job (default none). */
  flow?: 'perkey' | 'rate';
  /** Every wave-2 feature on (default off). */
  all?: boolean;
}

/** The `sluice-all` job options: retention, a concurrency and a rate limit, a yearly cron schedule. */
const allOptions = {
  keep: { completed: { count: 100, age: 3_600_000 }, failed: { count: 100, age: 3_600_000 } },
  concurrency: { global: 1000 },
  rateLimit: { limit: 100_000, period: 1000 },
  schedule: { cron: '0 0 1 1 *', tz: 'UTC' },
};

/** Make the high, low and fair lanes of the queue exist: one job in each, handled before the worker is ready. */
async function fillLanes(
  url: string,
  job: ReturnType<typeof defineJob<typeof QUEUE, BenchPayload>>,
  seen: () => number,
) {
  const s = await createSluice({ url });
  try {
    const before = seen();
    await s.enqueue(job, { i: -1, t: 0, pad: '' }, { priority: 'high' });
    await s.enqueue(job, { i: -2, t: 0, pad: '' }, { priority: 'low' });
    await s.enqueue(job, { i: -3, t: 0, pad: '' }, { group: 'g' });
    const until = Date.now() + 10_000;
    while (seen() < before + 3) {
      if (Date.now() > until) throw new Error('sluice-all: the lane jobs were not handled within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await s.close();
  }
}

export function sluice(v: SluiceVariant = {}): Impl {
  const { commandTimeout, flow, all = false } = v;
  const metrics = v.metrics === true || all;
  const otel = v.otel === true || all;
  const ready = otel ? registerNonSamplingSdk() : Promise.resolve();
  const clientFor = (url: string): { url?: string; client?: RedisClientLike } =>
    commandTimeout === undefined ? { url } : { client: createSluiceClient(url, 5000, commandTimeout) };
  return {
    name: all
      ? 'sluice-all'
      : flow
        ? `sluice-${flow}`
        : otel
          ? 'sluice-otel'
          : metrics
            ? 'sluice-metrics'
            : commandTimeout === undefined
              ? 'sluice'
              : 'sluice-timer',
    producer: async (url) => {
      await ready;
      const s = await createSluice(clientFor(url));
      const opened = s.connection.client;
      return {
        add: (p) => s.enqueue(noop, p),
        addBatch: (ps) => s.enqueueMany(noop, ps),
        close: async () => {
          await s.close();
          if (commandTimeout !== undefined) await opened.close();
        },
      };
    },
    worker: async (url, spec: WorkerSpec) => {
      await ready;
      let seen = 0;
      const job = defineJob({
        name: QUEUE,
        ...flowOptions(flow),
        ...(all ? allOptions : {}),
        handler: async (p: BenchPayload) => {
          seen++;
          if (p.i >= 0) spec.onJob(p);
        },
      });
      const opts = clientFor(url);
      const registry = metrics ? new Registry() : undefined;
      const w = await createWorker({
        ...opts,
        jobs: [job],
        concurrency: spec.concurrency,
        logger: { level: 'error' },
        ...(registry ? { metrics: { port: 0, host: '127.0.0.1', registry } } : {}),
      });
      await w.start();
      if (all) await fillLanes(url, job, () => seen);
      // sluice-all counts the worker's own commands: a scrape's are the scraper's, bounded per scrape (observability.md)
      const stopScraping = registry && !all ? scrapeEverySecond(registry) : () => {};
      return {
        close: async () => {
          stopScraping();
          await w.stop();
          if (opts.client) await opts.client.close();
        },
      };
    },
  };
}
