/** Options of {@link createWorker}, their defaults (in one object) and their checks. */

import type { TracingOptions } from '@sluice/core';
import {
  type AnyJob,
  type Clock,
  type KeepOptions,
  type RedisClientLike,
  type RedisClusterLike,
  SluiceArgumentError,
  type TlsOptions,
} from '@sluice/core';
import { assertKeep, DEFAULTS, systemClock } from '@sluice/core/internal';
import type { Logger } from 'pino';
import type { LoggerSettings } from './logger.js';
import type { MetricsOptions } from './metrics/options.js';
import { defaultReadAhead } from './run/read-ahead.js';

/** Options of a worker. */
export interface WorkerOptions {
  /** Redis URL (default `REDIS_URL`, then `redis://127.0.0.1:6379`). */
  url?: string;
  /** An @redis/client client or cluster you created; the worker never closes it (default: one created from `url`). */
  client?: RedisClientLike | RedisClusterLike;
  /** Redis Cluster root node URLs (default: none, a single server at `url`). */
  cluster?: { rootNodes: readonly string[] };
  /** Milliseconds the first connect may take before start() rejects (default 5000). */
  connectTimeout?: number;
  /** Prefix of every key (default `sluice`). */
  prefix?: string;
  /**
   * Largest JSON payload in bytes: the same setting as createSluice's, so a job the producer accepted is never
   * dead-lettered as too large by a worker (default 1 MiB, core's `DEFAULTS.maxPayloadBytes`).
   */
  maxPayloadBytes?: number;
  /** TLS to Redis: a private CA, a client certificate (mTLS), the server name (default: none; `rediss://` uses the system CAs). */
  tls?: TlsOptions;
  /** The job definitions this worker runs (required). */
  jobs: readonly AnyJob[];
  /** Job for a name `jobs` does not hold (the push dispatcher forwards every job); default none (no-handler). */
  fallbackJob?: (name: string) => AnyJob | undefined;
  /** Queues to consume (default: the queues of `jobs`). An empty list runs only the cron scheduler. */
  queues?: readonly string[];
  /** Most handlers running at once in this worker, over all queues (default 10). */
  concurrency?: number;
  /**
   * Deliveries this worker may hold leased beyond its free slots, read with the jobs it starts, so the next job
   * starts without waiting for a read; only while recent runs are short (average handler time <= 10 ms), and a
   * held job that waits 100 ms behind busy slots is handed back; not on a queue with lanes (docs/decisions.md
   * "Read-ahead"). A window (slots + read-ahead) over 64 is read in halves, the next sent as soon as one is
   * answered. 0 turns it off (default: the larger of 32 - `concurrency` and `concurrency`).
   */
  readAhead?: number;
  /** Lease in ms: a job idle this long in a dead worker's pending list is reclaimed (default 30000). */
  lease?: number;
  /** Deliveries (crash redeliveries included) after which a job is dead-lettered as poison (default 5). */
  maxDeliveries?: number;
  /** Ms that stop() lets running jobs finish before it aborts and hands them back (default 10000). */
  shutdownGrace?: number;
  /** Longest blocking read in ms (default 30000; shorter when a delayed job is due sooner). */
  blockMs?: number;
  /** A pino logger, or settings for the one the worker creates (default JSON at `LOG_LEVEL` or info). */
  logger?: Logger | LoggerSettings;
  /** Time source for cron planning and durations (default the system clock). */
  clock?: Clock;
  /** Serve Prometheus `/metrics`, `/healthz` and `/readyz` on a port (default: off; docs/observability.md). */
  metrics?: MetricsOptions;
  /**
   * OpenTelemetry `process` spans and consumer metrics when `@opentelemetry/api` is installed and an SDK is
   * registered before start(); `false` turns them off (default on, costing nothing without an SDK).
   */
  tracing?: TracingOptions | false;
  /**
   * Keep finished jobs of the jobs without their own `keep` (defineJob): `{ completed: { count, age }, failed: {
   * count, age } }` (default: none kept; docs/decisions.md "Results").
   */
  keep?: KeepOptions;
}

/** Every default of a worker. */
export const WORKER_DEFAULTS = {
  prefix: DEFAULTS.prefix,
  maxPayloadBytes: DEFAULTS.maxPayloadBytes,
  concurrency: 10,
  lease: 30_000,
  maxDeliveries: 5,
  shutdownGrace: 10_000,
  blockMs: 30_000,
  clock: systemClock,
} as const;

/** Options with every default applied. */
export interface ResolvedOptions {
  prefix: string;
  maxPayloadBytes: number;
  jobs: ReadonlyMap<string, AnyJob>;
  queues: readonly string[];
  concurrency: number;
  /** Deliveries held beyond the free slots (0: off). */
  readAhead: number;
  lease: number;
  maxDeliveries: number;
  shutdownGrace: number;
  blockMs: number;
  clock: Clock;
  tracing: TracingOptions | false | undefined;
  keep: KeepOptions | undefined;
}

/** Jobs by name; `get` falls back to `fallbackJob` for names not given (`has`/iteration see only given jobs). */
class JobTable extends Map<string, AnyJob> {
  constructor(private readonly fallback: ((name: string) => AnyJob | undefined) | undefined) {
    super();
  }
  override get(name: string): AnyJob | undefined {
    return super.get(name) ?? this.fallback?.(name);
  }
}

function positive(value: number, name: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new SluiceArgumentError(`createWorker: ${name} must be an integer >= ${min}; got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkedKeep(keep: KeepOptions | undefined): KeepOptions | undefined {
  assertKeep(keep, 'createWorker: keep');
  return keep;
}

/** Apply defaults and check every option; throws naming the bad option (or the duplicate job). */
export function resolveOptions(o: WorkerOptions): ResolvedOptions {
  if (!o || !Array.isArray(o.jobs))
    throw new SluiceArgumentError('createWorker: jobs must be an array of job definitions');
  // a plain Map when there is no fallback: its get is the engine's own, once per job run
  const jobs = o.fallbackJob ? new JobTable(o.fallbackJob) : new Map<string, AnyJob>();
  for (const j of o.jobs) {
    if (j?.kind !== 'sluice.job')
      throw new SluiceArgumentError('createWorker: every item of jobs must come from defineJob()');
    if (jobs.has(j.name))
      throw new SluiceArgumentError(`createWorker: job "${j.name}" is given twice; job names must be unique`);
    jobs.set(j.name, j);
  }
  const d = WORKER_DEFAULTS;
  const lease = positive(o.lease ?? d.lease, 'lease', 30);
  const concurrency = positive(o.concurrency ?? d.concurrency, 'concurrency');
  return {
    prefix: o.prefix ?? d.prefix,
    maxPayloadBytes: positive(o.maxPayloadBytes ?? d.maxPayloadBytes, 'maxPayloadBytes'),
    jobs,
    queues: [...new Set(o.queues ?? [...jobs.values()].map((j) => j.queue))],
    concurrency,
    readAhead: positive(o.readAhead ?? defaultReadAhead(concurrency), 'readAhead', 0),
    lease,
    maxDeliveries: positive(o.maxDeliveries ?? d.maxDeliveries, 'maxDeliveries'),
    shutdownGrace: positive(o.shutdownGrace ?? d.shutdownGrace, 'shutdownGrace', 0),
    blockMs: positive(o.blockMs ?? d.blockMs, 'blockMs', 10),
    clock: o.clock ?? d.clock,
    tracing: o.tracing,
    keep: checkedKeep(o.keep),
  };
}
