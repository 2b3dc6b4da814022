/**
 * @sluice/core, the public API: createSluice (enqueue, stats, pause/resume, dead letters), defineJob, the typed
 * stream commands (createStreams, streamsFor), errors, and option and reply types. What the worker and the CLI
 * need beyond this (scripts, keys, envelope encoding, reply helpers) is in `@sluice/core/internal`, which may
 * change in any release. The list, with one line each, is in the package README ("Public API").
 */
export type { Backoff } from './backoff.js';
export type { CatalogueEntry } from './catalogue.js';
export type { Clock } from './clock.js';
export {
  type ConsumerInfo,
  createStreams,
  type GroupInfo,
  type GroupReadEntry,
  isBusyGroupError,
  isNoGroupError,
  type PendingEntry,
  type PendingSummary,
  type StreamEntry,
  type StreamInfo,
  type StreamRead,
  type Streams,
  streamsFor,
  UnexpectedReplyError,
} from './commands/index.js';
export type { Connection, ConnectionOptions, RedisClientLike, RedisClusterLike, TlsOptions } from './connection.js';
export type { DeadJob, DeadReason } from './dead-entry.js';
export {
  type AnyJob,
  defineJob,
  type EnqueueOptions,
  type EnqueueResult,
  type JobContext,
  type JobDefinition,
  type JobInput,
  type JobLogger,
  type JobSchedule,
  type JobSpec,
  type KeepLimit,
  type KeepOptions,
  type RetryOptions,
} from './define-job.js';
export { EnqueueManyError } from './enqueue-recover.js';
export {
  JobValidationError,
  SluiceArgumentError,
  UnrecoverableError,
  type ValidationIssue,
  WaitForError,
  type WaitForReason,
} from './errors.js';
export type {
  ConcurrencyLimits,
  DebounceOptions,
  FlowKeyFn,
  RateLimit,
  SkipReason,
  ThrottleOptions,
} from './flow.js';
export type { HistoryPoint, HistoryRange, QueueHistory } from './history.js';
export type { FlowCounts, QueueStats } from './inspect.js';
export type { DeleteQueueOptions, LiveConsumer } from './job-control.js';
export type { JobInfo, JobState } from './job-view.js';
export type { JobPage, ListJobsOptions } from './jobs.js';
export type { JobHandle, WaitForOptions } from './kept.js';
export type { Lane, QueueKeys } from './keys.js';
export type { Priority } from './lanes.js';
export type { RedriveResult } from './queue-admin.js';
export type { ScheduleInfo } from './schedules.js';
export type { RemoveOutcome } from './scripts/index.js';
export { UnsupportedServerError } from './server-version.js';
export { createSluice, type Sluice, type SluiceOptions } from './sluice.js';
export type { StandardSchemaV1 } from './standard-schema.js';
export { loadTelemetry, SEMCONV_VERSION, type Telemetry, type TracingOptions } from './telemetry.js';
export type { LiveWorker, WorkerKind, WorkerRecord } from './workers.js';
