/** `sluice worker start <jobs-module...>`: run a worker process on the jobs the modules define. */
import { assertQueueName } from '@sluice/core/internal';
import { runWorkerProcess } from '@sluice/worker';
import { type ConnectOptions, type RedisTarget, resolveTarget, withSluice } from '../connect.js';
import { EXIT, ExitError, usageError } from '../errors.js';
import { loadJobModules } from '../jobs.js';
import type { Output } from '../output.js';
import { parseCount, parseDurationFlag, parsePort } from '../parse.js';

/** Log levels `--log-level` accepts. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Options of {@link workerStartCommand}, as typed on the command line. */
export interface WorkerStartOptions extends ConnectOptions {
  /** Modules that define the jobs (at least one). */
  modules: readonly string[];
  /** Queues to consume (default: every queue of the loaded jobs). */
  queues?: readonly string[] | undefined;
  /** Most jobs running at once (default: the worker's, 10). */
  concurrency?: number | string | undefined;
  /** Jobs held beyond the free slots while runs are short (default: the worker's, max(32 - concurrency, concurrency); 0: off). */
  readAhead?: number | string | undefined;
  /** Lease of a running job, e.g. `30s` (default: the worker's, 30s). */
  lease?: number | string | undefined;
  /** Grace period at shutdown for running jobs, e.g. `10s` (default: the worker's). */
  grace?: number | string | undefined;
  /** Log level (default `info`, or `LOG_LEVEL`). */
  logLevel?: string | undefined;
  /** Human-readable logs instead of JSON lines (default: in a terminal unless NODE_ENV=production; needs pino-pretty). */
  pretty?: boolean | undefined;
  /** `--metrics-port`: serve /metrics, /healthz and /readyz on this port (default: no metrics). */
  metricsPort?: number | string | undefined;
  /** `--metrics-host`: interface of the metrics port (default 0.0.0.0). */
  metricsHost?: string | undefined;
}

/** The checked options, ready for the worker runtime. */
export interface ResolvedWorkerOptions {
  /** Modules that define the jobs. */
  modules: string[];
  /** Redis server URL or cluster nodes. */
  target: RedisTarget;
  /** Key prefix (default: the worker's, `sluice`). */
  prefix: string | undefined;
  /** Queues to consume (default: all of the loaded jobs). */
  queues: string[] | undefined;
  /** Most jobs at once (default: the worker's). */
  concurrency: number | undefined;
  /** Read-ahead (default: the worker's). */
  readAhead: number | undefined;
  /** Lease in ms (default: the worker's). */
  leaseMs: number | undefined;
  /** Grace period in ms (default: the worker's). */
  graceMs: number | undefined;
  /** Log level. */
  logLevel: (typeof LOG_LEVELS)[number];
  /** Pretty logs (undefined: pretty in a terminal unless NODE_ENV=production). */
  pretty: boolean | undefined;
  /** The metrics endpoint, when `--metrics-port` is given. */
  metrics: { port: number; host?: string } | undefined;
}

/** Check the flags of `worker start`; each bad value is a usage error naming its flag. */
export function resolveWorkerOptions(opts: WorkerStartOptions): ResolvedWorkerOptions {
  if (!opts.modules?.length) throw usageError('jobs-module argument: give at least one module that defines jobs');
  const target = resolveTarget(opts);
  for (const q of opts.queues ?? []) assertQueueName(q, '--queue');
  const level = opts.logLevel ?? process.env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw usageError(`--log-level expects one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(level)}`);
  }
  const leaseMs = opts.lease === undefined ? undefined : parseDurationFlag(opts.lease, '--lease');
  if (leaseMs !== undefined && leaseMs < 1000)
    throw usageError(`--lease expects at least 1s; got ${JSON.stringify(opts.lease)}`);
  return {
    modules: [...opts.modules],
    target,
    prefix: opts.prefix,
    queues: opts.queues?.length ? [...opts.queues] : undefined,
    concurrency: opts.concurrency === undefined ? undefined : parseCount(opts.concurrency, '--concurrency', 1),
    readAhead: opts.readAhead === undefined ? undefined : parseCount(opts.readAhead, '--read-ahead', 0),
    leaseMs,
    graceMs: opts.grace === undefined ? undefined : parseDurationFlag(opts.grace, '--grace'),
    logLevel: level as (typeof LOG_LEVELS)[number],
    pretty: opts.pretty,
    metrics: metricsOf(opts),
  };
}

function metricsOf(opts: WorkerStartOptions): ResolvedWorkerOptions['metrics'] {
  if (opts.metricsPort === undefined) {
    if (opts.metricsHost !== undefined) throw usageError('--metrics-host needs --metrics-port');
    return undefined;
  }
  const port = parsePort(opts.metricsPort, '--metrics-port');
  if (opts.metricsHost !== undefined && opts.metricsHost.trim() === '')
    throw usageError('--metrics-host expects an interface address like 0.0.0.0 or 127.0.0.1');
  return opts.metricsHost === undefined ? { port } : { port, host: opts.metricsHost };
}

/** Run a worker until SIGTERM/SIGINT, then shut down gracefully (exit 0; 1 when the graceful stop failed). */
export async function workerStartCommand(opts: WorkerStartOptions, _io: Output): Promise<void> {
  const r = resolveWorkerOptions(opts);
  const jobs = await loadJobModules(r.modules, 'jobs-module argument');
  // Fail fast (one line, exit 2, within the CLI's connect timeout) before the worker's own, longer, first connect.
  await withSluice(opts, async () => undefined);
  let code: number;
  try {
    code = await runWorkerProcess({
      ...r.target,
      jobs,
      ...(r.prefix === undefined ? {} : { prefix: r.prefix }),
      ...(r.queues === undefined ? {} : { queues: r.queues }),
      ...(r.concurrency === undefined ? {} : { concurrency: r.concurrency }),
      ...(r.readAhead === undefined ? {} : { readAhead: r.readAhead }),
      ...(r.leaseMs === undefined ? {} : { lease: r.leaseMs }),
      ...(r.graceMs === undefined ? {} : { shutdownGrace: r.graceMs }),
      logger: { level: r.logLevel, pretty: r.pretty },
      ...(r.metrics === undefined ? {} : { metrics: r.metrics }),
    });
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (msg.startsWith('cannot connect')) throw new ExitError(msg, EXIT.usage, { cause: e });
    throw e;
  }
  if (code !== 0) throw new ExitError('', code);
}
