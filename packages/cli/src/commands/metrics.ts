/**
 * `sluice metrics`: a standalone Prometheus exporter of the queue gauges of every known queue (or the named
 * ones), for teams whose workers are serverless (drain, push). Runs until Ctrl-C; SIGTERM ends it at once
 * (it holds nothing to flush).
 */
import { assertQueueName } from '@sluice/core/internal';
import { METRICS_DEFAULTS, startMetricsExporter } from '@sluice/worker/internal';
import { CLI_CONNECT_TIMEOUT, type ConnectOptions, resolveTarget } from '../connect.js';
import { EXIT, ExitError, usageError } from '../errors.js';
import type { Output } from '../output.js';
import { parseDurationFlag, parsePort } from '../parse.js';
import { LOG_LEVELS } from './worker.js';

/** Options of {@link metricsCommand}, as typed on the command line. */
export interface MetricsCommandOptions extends ConnectOptions {
  /** `--port` (required): port of `/metrics`, `/healthz`, `/readyz`; 9464 is usual, 0 picks a free one. */
  port?: number | string | undefined;
  /** `--host`: interface to bind (default 0.0.0.0). */
  host?: string | undefined;
  /** `--queue`: export only these queues (default: every known queue). */
  queues?: readonly string[] | undefined;
  /** `--cache`: how long queue stats are reused between scrapes, e.g. `5s` (default 5s). */
  cache?: number | string | undefined;
  /** `--log-level` (default `LOG_LEVEL`, then info). */
  logLevel?: string | undefined;
  /** Stops the exporter when aborted (Ctrl-C). Default: runs until the process ends. */
  signal?: AbortSignal | undefined;
}

/** Check the flags of `sluice metrics`; each bad value is a usage error naming its flag. */
export function resolveMetricsCommand(opts: MetricsCommandOptions) {
  if (opts.port === undefined) throw usageError('--port is required, e.g. --port 9464');
  const port = parsePort(opts.port, '--port');
  const host = opts.host ?? METRICS_DEFAULTS.host;
  if (host.trim() === '') throw usageError('--host expects an interface address like 0.0.0.0 or 127.0.0.1');
  for (const q of opts.queues ?? []) assertQueueName(q, '--queue');
  const level = opts.logLevel ?? process.env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw usageError(`--log-level expects one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(level)}`);
  return {
    target: resolveTarget(opts),
    port,
    host,
    queues: opts.queues?.length ? [...opts.queues] : undefined,
    cacheMs: opts.cache === undefined ? METRICS_DEFAULTS.cacheMs : parseDurationFlag(opts.cache, '--cache'),
    level,
  };
}

/** Serve the queue gauges until `signal` aborts; prints the URL it serves on stdout once listening. */
export async function metricsCommand(opts: MetricsCommandOptions, io: Output): Promise<void> {
  const r = resolveMetricsCommand(opts);
  let exporter: Awaited<ReturnType<typeof startMetricsExporter>>;
  try {
    exporter = await startMetricsExporter({
      ...r.target,
      connectTimeout: opts.connectTimeout ?? CLI_CONNECT_TIMEOUT,
      ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
      ...(r.queues === undefined ? {} : { queues: r.queues }),
      port: r.port,
      host: r.host,
      cacheMs: r.cacheMs,
      logger: { level: r.level },
    });
  } catch (e) {
    throw new ExitError((e as Error).message, EXIT.usage, { cause: e });
  }
  io.out(`serving metrics on http://${exporter.host}:${exporter.port}/metrics (and /healthz, /readyz)`);
  const { signal } = opts;
  await new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await exporter.close();
}
