/** createSluice(): the producer/operator handle: typed enqueue, stats, pause/resume, dead letters, raw streams. */
import { type CatalogueEntry, findJobDefinition, listCatalogue } from './catalogue.js';
import { createStreams, type Streams } from './commands/streams.js';
import { Connection, type ConnectionOptions } from './connection.js';
import type { DeadJob } from './dead-entry.js';
import type { AnyJob, EnqueueOptions, EnqueueResult, JobInput } from './define-job.js';
import { type EnqueueContext, enqueue, type ReplicaAcks } from './enqueue.js';
import { enqueueMany } from './enqueue-many.js';
import { SluiceArgumentError } from './errors.js';
import { type HistoryRange, type QueueHistory, queueHistory } from './history.js';
import { listQueues, type QueueStats, stats } from './inspect.js';
import {
  cancelJob,
  type DeleteQueueOptions,
  deleteJob,
  deleteQueue,
  emptyQueue,
  promoteJob,
  retryJob,
} from './job-control.js';
import type { JobInfo } from './job-view.js';
import { getJob, type JobPage, type ListJobsOptions, listJobs } from './jobs.js';
import { type JobHandle, keptCount, Waiters, type WaitForOptions, waitForJob } from './kept.js';
import { assertQueueName, type QueueKeys, queueKeys } from './keys.js';
import { DEFAULTS } from './options.js';
import {
  getDead,
  listDead,
  pauseQueue,
  purgeDead,
  type RedriveResult,
  type RedriveSelection,
  redrive,
  resumeQueue,
} from './queue-admin.js';
import { listSchedules, runSchedule, type ScheduleInfo } from './schedules.js';
import type { RemoveOutcome } from './scripts/index.js';
import { loadTelemetry, type TracingOptions } from './telemetry.js';
import { type LiveWorker, listWorkers } from './workers.js';

/** Options of {@link createSluice}. */
export interface SluiceOptions extends ConnectionOptions {
  /**
   * OpenTelemetry send spans and metrics when `@opentelemetry/api` is installed and an SDK is registered before
   * createSluice; `false` turns them off (default on, costing nothing without an SDK). See docs/observability.md.
   */
  tracing?: TracingOptions | false;
  /** Prefix of every key (default `sluice`). */
  prefix?: string;
  /** Largest JSON payload in bytes; give workers and push handlers the same value (default 1 MiB). */
  maxPayloadBytes?: number;
  /** Wait for replicas after each enqueue (WAIT), e.g. `{ replicas: 1, timeoutMs: 100 }` (default: don't wait). */
  replicaAcks?: ReplicaAcks;
  /** Told after jobs were written (not for a deduplicated enqueue), e.g. to count them in your metrics; default none. */
  onEnqueued?: (queue: string, job: string, count: number) => void;
}

/** The producer and operator API. */
export interface Sluice {
  /** The key prefix in use. */
  readonly prefix: string;
  /** The connection (send raw commands with `connection.send`). */
  readonly connection: Connection;
  /** Typed stream commands on this connection. */
  readonly streams: Streams;
  /** Enqueue a job; the payload is checked against the job's type (and schema at run time). */
  enqueue<J extends AnyJob>(job: J, payload: JobInput<J>, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** Enqueue by job name (untyped: no schema check). */
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<EnqueueResult>;
  /**
   * Enqueue many payloads of one job in batches of 1000 (immediate jobs: script calls of 250, each atomic); all are
   * validated before any is written.
   */
  enqueueMany<J extends AnyJob>(
    job: J,
    payloads: readonly JobInput<J>[],
    options?: Omit<EnqueueOptions, 'key' | 'keyTtl' | 'debounce' | 'throttle'>,
  ): Promise<EnqueueResult[]>;
  /** Enqueue many payloads by job name (untyped). */
  enqueueMany(
    name: string,
    payloads: readonly unknown[],
    options?: Omit<EnqueueOptions, 'key' | 'keyTtl' | 'debounce' | 'throttle'>,
  ): Promise<EnqueueResult[]>;
  /** Stats of one queue, several, or (no argument) every known queue. */
  stats(queue?: string | readonly string[]): Promise<QueueStats[]>;
  /** Every known queue name. */
  queues(): Promise<string[]>;
  /** Jobs completed and attempts failed per minute over the last hour, or per 15 minutes over the day (default hour). */
  history(queue: string, range?: HistoryRange): Promise<QueueHistory>;
  /** Pause a queue: workers take no new jobs from it. */
  pause(queue: string): Promise<void>;
  /** Resume a paused queue. */
  resume(queue: string): Promise<void>;
  /** The dead-letter stream of a queue. */
  readonly dead: {
    /** Newest first, at most `limit` (default 20). */
    list(queue: string, limit?: number): Promise<DeadJob[]>;
    /** One entry by its dead-letter id, or null. */
    get(queue: string, deadId: string): Promise<DeadJob | null>;
    /** Move entries back to the stream with attempts reset; says how many moved and which could not, and why. */
    redrive(queue: string, sel: RedriveSelection): Promise<RedriveResult>;
    /** Delete entries (all, or dead for longer than `olderThanMs`); returns how many. */
    purge(queue: string, olderThanMs?: number): Promise<number>;
  };
  /** Job `id` of `queue` by the id enqueue returned (state, fields, lease), or null. O(log n), no scan. */
  getJob(queue: string, id: string): Promise<JobInfo | null>;
  /** A page of jobs in one state (ready, running, delayed, dead), oldest or newest first, with a cursor. */
  listJobs(queue: string, options: ListJobsOptions): Promise<JobPage>;
  /** How many finished jobs of `outcome` (default completed) retention keeps in `queue` now (one ZCARD; 0 when none). */
  keptCount(queue: string, outcome?: 'completed' | 'failed'): Promise<number>;
  /** Cancel a ready or delayed job (recorded as cancelled), or request the cancel of a running one. */
  cancelJob(queue: string, id: string): Promise<RemoveOutcome>;
  /** Delete a ready, delayed or dead job. */
  deleteJob(queue: string, id: string): Promise<RemoveOutcome>;
  /** Run a delayed job now. */
  promoteJob(queue: string, id: string): Promise<{ entryId: string } | 'not-found' | 'not-delayed'>;
  /** Retry a dead job by its job id (attempt 1). */
  retryJob(queue: string, id: string): Promise<'moved' | 'not-found' | 'not-dead'>;
  /** Remove every ready and delayed job of a queue; running jobs finish. */
  emptyQueue(queue: string): Promise<{ ready: number; delayed: number }>;
  /** Delete a queue and all its keys; refused while workers are live on it unless `force`. Returns keys deleted. */
  deleteQueue(queue: string, options?: DeleteQueueOptions): Promise<number>;
  /** Every job definition workers published (optionally of one queue), by name. */
  listCatalogue(queue?: string): Promise<CatalogueEntry[]>;
  /** The published definitions of job `name`, one per queue serving it (empty when no worker serves it). */
  findJobDefinition(name: string): Promise<CatalogueEntry[]>;
  /** The live workers, drains and push dispatchers (optionally of one queue), oldest first. */
  listWorkers(queue?: string): Promise<LiveWorker[]>;
  /** The cron jobs of the catalogue with their last tick and next run (optionally of one queue). */
  listSchedules(queue?: string): Promise<ScheduleInfo[]>;
  /** Enqueue cron job `name` of `queue` now, leaving its regular ticks as they are; null when there is no such schedule. */
  runSchedule(queue: string, name: string): Promise<EnqueueResult | null>;
  /** Key names of a queue. */
  keys(queue: string): QueueKeys;
  /**
   * Resolve with the return value of job `handle` (what enqueue returned) once it completes, or reject with a
   * WaitForError: `failed` (dead-lettered, with its final error), `cancelled`, `timeout` (after `timeoutMs`, default
   * 30 000), `not-kept` (it finished without retention: the job or worker needs `keep.completed`). No polling: one
   * subscriber connection per Sluice, made on first use (docs/decisions.md "Results").
   */
  waitFor(handle: JobHandle, options?: WaitForOptions): Promise<unknown>;
  /** Close the connection (only if Sluice created it). */
  close(): Promise<void>;
}

/** Connect and return the producer/operator API. */
export async function createSluice(options: SluiceOptions = {}): Promise<Sluice> {
  const prefix = options.prefix ?? DEFAULTS.prefix;
  assertQueueName(prefix, 'prefix');
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULTS.maxPayloadBytes;
  if (!(Number.isInteger(maxPayloadBytes) && maxPayloadBytes > 0)) {
    throw new SluiceArgumentError(`maxPayloadBytes must be a positive integer; got ${maxPayloadBytes}`);
  }
  const connection = await Connection.open(options);
  const ctx: EnqueueContext = {
    exec: connection,
    prefix,
    maxPayloadBytes,
    known: new Set(),
    replicaAcks: options.replicaAcks,
    onEnqueued: options.onEnqueued,
    telemetry: await loadTelemetry(options.tracing),
  };
  const waiters = new Waiters(connection);
  const list = (q?: string | readonly string[]) => (q === undefined ? undefined : typeof q === 'string' ? [q] : q);
  return {
    prefix,
    connection,
    streams: createStreams(connection),
    enqueue: (ref: AnyJob | string, payload: unknown, opts?: EnqueueOptions) => enqueue(ctx, ref, payload, opts),
    enqueueMany: (
      ref: AnyJob | string,
      payloads: readonly unknown[],
      opts?: Omit<EnqueueOptions, 'key' | 'keyTtl' | 'debounce' | 'throttle'>,
    ) => enqueueMany(ctx, ref, payloads, opts),
    stats: (q) => stats(connection, prefix, list(q)),
    queues: () => listQueues(connection, prefix),
    history: (q, range) => queueHistory(connection, prefix, q, range),
    pause: (q) => pauseQueue(connection, prefix, q),
    resume: (q) => resumeQueue(connection, prefix, q),
    dead: {
      list: (q, limit) => listDead(connection, prefix, q, limit),
      get: (q, id) => getDead(connection, prefix, q, id),
      redrive: (q, sel) => redrive(connection, prefix, q, sel),
      purge: (q, older) => purgeDead(connection, prefix, q, older),
    },
    getJob: (q, id) => getJob(connection, prefix, q, id),
    listJobs: (q, o) => listJobs(connection, prefix, q, o),
    keptCount: (q, outcome) => keptCount(connection, queueKeys(prefix, q), outcome ?? 'completed'),
    cancelJob: (q, id) => cancelJob(connection, prefix, q, id),
    deleteJob: (q, id) => deleteJob(connection, prefix, q, id),
    promoteJob: (q, id) => promoteJob(connection, prefix, q, id),
    retryJob: (q, id) => retryJob(connection, prefix, q, id),
    emptyQueue: (q) => emptyQueue(connection, prefix, q),
    deleteQueue: (q, o) => deleteQueue(connection, prefix, q, o),
    listCatalogue: (q) => listCatalogue(connection, prefix, q),
    findJobDefinition: (name) => findJobDefinition(connection, prefix, name),
    listWorkers: (q) => listWorkers(connection, prefix, q),
    listSchedules: (q) => listSchedules(connection, prefix, q),
    runSchedule: (q, name) => runSchedule(ctx, q, name),
    keys: (q) => queueKeys(prefix, q),
    waitFor: (handle, o) =>
      waitForJob(
        waiters,
        (q, id) => getJob(connection, prefix, q, id),
        (q) => queueKeys(prefix, q),
        handle,
        o,
      ),
    close: async () => {
      await waiters.close();
      await connection.close();
    },
  };
}
