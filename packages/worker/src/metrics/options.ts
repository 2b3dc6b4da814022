/** Options of the metrics server of a worker (`createWorker({ metrics })`) and of the standalone exporter. */
import { SluiceArgumentError } from '@sluice/core';
import type { AnyRegistry } from './catalog.js';

/** Options of the metrics endpoint. */
export interface MetricsOptions {
  /** TCP port of `/metrics`, `/healthz` and `/readyz` (required; 9464 is the usual choice; 0 picks a free one). */
  port: number;
  /** Interface to bind (default `0.0.0.0`, so Prometheus in another pod or host can scrape; `127.0.0.1` for local only). */
  host?: string;
  /** A prom-client registry to register the metrics on (default: a new Registry, never prom-client's global one). */
  registry?: AnyRegistry;
  /** Milliseconds queue gauges read from Redis are reused, so scrapes in a row send no commands (default 5000). */
  cacheMs?: number;
  /** Longest wait in ms of a scrape or readiness check for Redis (default 2000). */
  timeoutMs?: number;
  /** Serve the queue gauges read from Redis (default true; false when a standalone `sluice metrics` serves them). */
  queueGauges?: boolean;
}

/** Defaults of {@link MetricsOptions}. */
export const METRICS_DEFAULTS = {
  host: '0.0.0.0',
  cacheMs: 5_000,
  timeoutMs: 2_000,
  queueGauges: true,
} as const;

/** Options with defaults applied (the registry stays optional: made when the server starts). */
export type ResolvedMetricsOptions = Required<Omit<MetricsOptions, 'registry'>> & Pick<MetricsOptions, 'registry'>;

function int(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SluiceArgumentError(
      `${field} must be an integer from ${min} to ${max}; got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value;
}

/** Apply defaults and check every option; `where` names the caller in errors (e.g. `createWorker: metrics`). */
export function resolveMetricsOptions(o: MetricsOptions, where: string): ResolvedMetricsOptions {
  if (typeof o !== 'object' || o === null)
    throw new SluiceArgumentError(`${where} must be an object like { port: 9464 }`);
  const d = METRICS_DEFAULTS;
  const host = o.host ?? d.host;
  if (typeof host !== 'string' || host.trim() === '')
    throw new SluiceArgumentError(`${where}.host must be an interface address like 0.0.0.0 or 127.0.0.1`);
  const registry = o.registry;
  if (registry !== undefined && typeof (registry as { metrics?: unknown }).metrics !== 'function')
    throw new SluiceArgumentError(`${where}.registry must be a prom-client Registry`);
  return {
    port: int(o.port, `${where}.port`, 0, 65_535),
    host,
    registry,
    cacheMs: int(o.cacheMs ?? d.cacheMs, `${where}.cacheMs`, 0),
    timeoutMs: int(o.timeoutMs ?? d.timeoutMs, `${where}.timeoutMs`, 1),
    queueGauges: o.queueGauges ?? d.queueGauges,
  };
}
