/**
 * The name, type, labels and help text of every Prometheus metric Sluice exports, with no dependency (the
 * main entry re-exports these without loading prom-client). Labels are only `queue`, `job` (the job's name)
 * and `outcome`: never job ids, payload keys or consumer names (docs/observability.md).
 */

/** Histogram buckets in seconds, as OpenTelemetry advises (the same as the OpenTelemetry histograms'). */
export { DURATION_BUCKETS } from '@sluice/core/internal';

/** Counter names (all labelled `queue`, `job`) and their help text. */
export const COUNTERS = {
  enqueued: ['sluice_jobs_enqueued_total', 'Jobs enqueued by this process (a worker counts its ctx.enqueue calls).'],
  completed: ['sluice_jobs_completed_total', 'Attempts that succeeded (the job was acknowledged).'],
  failed: ['sluice_jobs_failed_total', 'Attempts that failed: a retry was scheduled or the job was dead-lettered.'],
  retried: ['sluice_jobs_retried_total', 'Retries scheduled after a failed attempt.'],
  deadLettered: ['sluice_jobs_dead_lettered_total', 'Jobs moved to the dead-letter stream.'],
  reclaimed: ['sluice_jobs_reclaimed_total', "Jobs this worker reclaimed from a dead or hung worker's pending list."],
  queued: [
    'sluice_jobs_queued_total',
    'Starts this worker parked because a global or per-key concurrency slot was busy (flow control).',
  ],
  rateDelayed: ['sluice_jobs_rate_delayed_total', 'Starts this worker delayed past a rate limit (flow control).'],
  cancelled: ['sluice_jobs_cancelled_total', 'Jobs cancelled (no operation cancels jobs yet: always 0).'],
} as const;

/** Queue gauges read from Redis at scrape time (labelled `queue`). */
export const QUEUE_GAUGES = {
  ready: ['sluice_queue_ready', 'Jobs waiting to be picked up (backlog).'],
  running: ['sluice_queue_running', 'Jobs handed to a worker and not finished (the pending list).'],
  delayed: ['sluice_queue_delayed', 'Jobs waiting for a time (delays and retries).'],
  dead: ['sluice_queue_dead', 'Jobs in the dead-letter stream.'],
  oldestReadyAge: ['sluice_queue_oldest_ready_age_seconds', 'Age of the oldest ready job, 0 when none is ready.'],
  paused: ['sluice_queue_paused', '1 when the queue is paused, else 0.'],
  flowQueued: ['sluice_queue_flow_queued', 'Starts that waited for a concurrency slot, since the queue began.'],
  flowDelayed: ['sluice_queue_flow_delayed', 'Starts delayed past a rate limit, since the queue began.'],
  flowSkipped: ['sluice_queue_flow_skipped', 'Enqueues skipped by debounce or throttle, since the queue began.'],
  workers: ['sluice_workers', 'Consumers of the queue seen within the live window (live workers).'],
} as const;

/** Gauges of one worker process. */
export const WORKER_GAUGES = {
  busy: ['sluice_worker_busy_slots', 'Handlers running in this worker now, by queue.'],
  slots: ['sluice_worker_slots', "This worker's concurrency (slots shared by its queues)."],
} as const;

/** Histogram names and help. */
export const HISTOGRAMS = {
  duration: ['sluice_job_duration_seconds', 'Handler time of an attempt, by outcome (succeeded, retrying, dead).'],
  wait: ['sluice_job_wait_seconds', 'Time from ready (entry added to the stream) to the handler starting.'],
} as const;

/** Build metadata gauge (value 1, labelled `version`). */
export const BUILD_INFO = ['sluice_build_info', 'Sluice worker package version (value 1).'] as const;

/** Every metric name Sluice exports. */
export const METRIC_NAMES: readonly string[] = [
  ...Object.values(COUNTERS),
  ...Object.values(QUEUE_GAUGES),
  ...Object.values(WORKER_GAUGES),
  ...Object.values(HISTOGRAMS),
  BUILD_INFO,
].map(([name]) => name);

/** The outcome label of `sluice_job_duration_seconds`. */
export type DurationOutcome = 'succeeded' | 'retrying' | 'dead';
