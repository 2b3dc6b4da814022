/**
 * Sluice: createSluice().enqueue / enqueueMany, and one createWorker() with the given concurrency. Every
 * guarantee stays on (fenced acks, leases, dead letters). `commandTimeout` set means @redis/client's
 * per-command timeout is armed (the `sluice-timer` variant); unset means Sluice's default. `metrics` turns on
 * the worker's Prometheus metrics (the `sluice-metrics` variant) and collects them every second, as a scraper
 * with a 1 s interval would (queue gauges read from Redis at most every 5 s, the default cache). `otel` registers
 * an OpenTelemetry tracer provider that samples nothing (the `sluice-otel` variant), before the producer and the
 * worker start: Sluice then makes its send and process spans (non-recording), as with an SDK whose sampler drops.
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

export function sluice(commandTimeout?: number, metrics = false, otel = false, flow?: 'perkey' | 'rate'): Impl {
  const ready = otel ? registerNonSamplingSdk() : Promise.resolve();
  const clientFor = (url: string): { url?: string; client?: RedisClientLike } =>
    commandTimeout === undefined ? { url } : { client: createSluiceClient(url, 5000, commandTimeout) };
  return {
    name: flow
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
      const job = defineJob({
        name: QUEUE,
        ...flowOptions(flow),
        handler: async (p: BenchPayload) => {
          spec.onJob(p);
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
      const stopScraping = registry ? scrapeEverySecond(registry) : () => {};
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
