/**
 * The standalone exporter behind `sluice metrics`: the queue gauges of every known queue (or the named ones)
 * and `sluice_build_info`, read from Redis at scrape time and cached, with `/healthz` and `/readyz` (Redis
 * answers PING). For teams whose workers are serverless (drain, push) and so have no long-lived process to
 * scrape. It counts nothing itself: job counters come from the processes that run or enqueue jobs.
 */
import type { Clock, ConnectionOptions } from '@sluice/core';
import {
  assertQueueName,
  assertSupportedServer,
  Connection,
  DEFAULTS,
  stats,
  systemClock,
} from '@sluice/core/internal';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { type LoggerSettings, resolveLogger } from '../logger.js';
import { registerBuildInfo } from './build-info.js';
import { assertFree } from './catalog.js';
import { type Readiness, startMetricsServer } from './http-server.js';
import { METRIC_NAMES } from './names.js';
import { type MetricsOptions, resolveMetricsOptions } from './options.js';
import { registerQueueGauges } from './queue-gauges.js';
import { StatsCache, withTimeout } from './stats-cache.js';

/** Options of {@link startMetricsExporter}. */
export interface MetricsExporterOptions
  extends Omit<MetricsOptions, 'queueGauges'>,
    Pick<ConnectionOptions, 'url' | 'client' | 'cluster' | 'connectTimeout'> {
  /** Prefix of every key (default `sluice`). */
  prefix?: string;
  /** Queues to export (default: every known queue, looked up at each stats read). */
  queues?: readonly string[];
  /** A pino logger, or settings for the one the exporter creates (default JSON at `LOG_LEVEL` or info). */
  logger?: Logger | LoggerSettings;
  /** Time source that ages the stats cache (default the system clock). */
  clock?: Clock;
}

/** A running exporter. */
export interface MetricsExporter {
  /** The port it listens on. */
  readonly port: number;
  /** The bound interface. */
  readonly host: string;
  /** Stop serving and close the connection (if the exporter opened it). */
  close(): Promise<void>;
}

/** Connect, register the queue gauges and serve them; rejects (nothing left open) when Redis or the port fails. */
export async function startMetricsExporter(options: MetricsExporterOptions): Promise<MetricsExporter> {
  const o = resolveMetricsOptions(options, 'metrics exporter');
  const prefix = options.prefix ?? DEFAULTS.prefix;
  assertQueueName(prefix, 'prefix');
  for (const q of options.queues ?? []) assertQueueName(q, 'queues');
  const log = resolveLogger(options.logger).child({ component: 'metrics' });
  const registry = o.registry ?? new Registry();
  assertFree(registry, METRIC_NAMES);
  const conn = await Connection.open({ ...options, onError: (err) => log.debug({ err }, 'redis connection error') });
  try {
    await assertSupportedServer(conn);
    const cache = new StatsCache({
      read: () => stats(conn, prefix, options.queues),
      cacheMs: o.cacheMs,
      timeoutMs: o.timeoutMs,
      clock: options.clock ?? systemClock,
    });
    registerQueueGauges(registry, cache, {
      onError: (err) => log.warn({ err }, 'could not read queue stats; queue gauges are left out'),
      onRecovered: () => log.info('queue stats can be read again'),
    });
    registerBuildInfo(registry);
    const readiness = async (): Promise<Readiness> => {
      try {
        await withTimeout(conn.send(['PING']), o.timeoutMs);
        return { ready: true };
      } catch (err) {
        return { ready: false, reason: `Redis does not answer PING (${(err as Error).message})` };
      }
    };
    const server = await startMetricsServer({
      port: o.port,
      host: o.host,
      registry,
      readiness,
      onError: (err) => log.error({ err }, 'serving a request failed'),
    });
    log.info(`metrics on http://${server.host}:${server.port}/metrics (and /healthz, /readyz)`);
    return {
      port: server.port,
      host: server.host,
      async close() {
        await server.close();
        await conn.close();
      },
    };
  } catch (err) {
    conn.destroy();
    throw err;
  }
}
