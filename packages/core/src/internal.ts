/**
 * @sluice/core/internal: what @sluice/worker and @sluice/cli need beyond the public API (the Lua scripts and their
 * wrappers, keys, the job envelope and dead-entry encodings, the inspector's parts, every stream command with its
 * argument builder and reply helpers as `streamCommands`). Not a stable API: it changes with the worker.
 */
export {
  assertBackoff,
  type BackoffFunction,
  backoffDelay,
  DEFAULT_BACKOFF,
  type ExponentialBackoff,
  type FixedBackoff,
} from './backoff.js';
export {
  type CatalogueEntry,
  catalogueField,
  decodeCatalogueEntry,
  describeJob,
  findJobDefinition,
  forgetQueueCatalogue,
  listCatalogue,
  MAX_SCHEMA_BYTES,
  payloadJsonSchema,
  publishCatalogue,
  publishCommand,
} from './catalogue.js';
export { systemClock } from './clock.js';
/** Every stream command with its argument builder and reply transform, and the reply helpers. */
export * as streamCommands from './commands/index.js';
export {
  Connection,
  createSluiceClient,
  createSluiceCluster,
  isErrorReply,
  type RedisExecutor,
} from './connection.js';
export { cronParser, loadCronParser } from './cron-parser.js';
export {
  type DeadEntryReason,
  type DeadJobFields,
  type DeadLetter,
  deadEntryFields,
  decodeDeadEntry,
  lostEntryFields,
} from './dead-entry.js';
export { assertKeep, type ChainEnqueue, isJobDefinition, keepLimits, type LogFn } from './define-job.js';
export { formatDuration, parseDuration } from './duration.js';
export { type EnqueueContext, enqueue, type JobRef, type ReplicaAcks } from './enqueue.js';
export { enqueueMany } from './enqueue-many.js';
export { isLeaseLost, LeaseLost, leaseLostMessage } from './errors.js';
export { type EnqueueLimit, flowKey, resolveEnqueueLimit, type StartLimits } from './flow.js';
export { queueHistory } from './history.js';
export { type ConsumerStats, listQueues, queueStats, stats } from './inspect.js';
export {
  type DecodedEnvelope,
  decodeEnvelope,
  encodePayload,
  envelopeFields,
  envelopeMember,
  type JobEnvelope,
  newJobId,
} from './job.js';
export {
  cancelJob,
  deleteJob,
  deleteQueue,
  emptyQueue,
  liveConsumers,
  promoteJob,
  retryJob,
} from './job-control.js';
export { jobFromDead, jobFromFields, jobMatches, memberFields } from './job-view.js';
export { assertJobId, getJob, listJobs } from './jobs.js';
export {
  assertJobName,
  assertQueueName,
  catalogueKey,
  type FlowKeys,
  GROUP,
  LANES,
  type Lane,
  queueKeyPattern,
  queueKeys,
  queuesKey,
  workersKey,
} from './keys.js';
export {
  assertGroupKey,
  assertPriority,
  laneOf,
  lanesOf,
  PRIORITIES,
  parseLanes,
  priorityOfLane,
  queueFlags,
  queueLanes,
  readOrder,
} from './lanes.js';
export { DEFAULTS } from './options.js';
export {
  announceFlags,
  FLAGS_CHANGED,
  getDead,
  listDead,
  type NotRedriven,
  pauseQueue,
  purgeDead,
  type RedriveSelection,
  redrive,
  resumeQueue,
} from './queue-admin.js';
export { hasCredentials, redactSecrets, redactUrl, UNPARSEABLE_URL } from './redact.js';
export { listSchedules, nextRun, runSchedule, type ScheduleInfo } from './schedules.js';
export {
  ackDeliveries,
  ackRelease,
  cancelRequested,
  cancelRun,
  claimLanes,
  type Delivery,
  deadLetter,
  type EnqueueMode,
  emptyQueueChunk,
  encodeProgress,
  encodeResult,
  enqueueCronTick,
  type Fenced,
  type FlowStart,
  finishMarker,
  flowStart,
  isWakeMarker,
  type KeepCompleted,
  type LaneRead,
  laneStreams,
  type ProgressValue,
  type PromoteResult,
  promoteDue,
  promoteOne,
  pruneStolen,
  type RedriveOutcome,
  type Renewed,
  readLanes,
  reapConsumer,
  redriveDead,
  removeJob,
  renewLeases,
  reportProgress,
  retryLater,
  runEnqueue,
  runEnqueueLane,
  SCRIPTS,
  STOLEN_KEEP_MS,
  type StartRate,
  type StartScope,
} from './scripts/index.js';
export { LuaScript } from './scripts/lua-script.js';
export {
  assertSupportedServer,
  atLeast,
  MIN_REDIS_VERSION,
  parseServerInfo,
  type ServerVersion,
  serverVersion,
} from './server-version.js';
export {
  DURATION_BUCKETS,
  endSend,
  errorType,
  formatTraceparent,
  MESSAGING_SYSTEM,
  type OtelApiModule,
  type SendOp,
  sendUnder,
  startSend,
  type Telemetry,
  type TelemetryMetrics,
  telemetryFrom,
} from './telemetry.js';
export { dropMask, type KnownDrops, knownDrops } from './telemetry-sampling.js';
export { CONTROL_CHARS, escapeControl, hasControlChars } from './text.js';
export { checkPayload, validatePayload } from './validate.js';
export {
  connectionName,
  DEFAULT_STALE_MS,
  decodeWorkerRecord,
  forgetWorkers,
  hashPairs,
  type LiveWorker,
  listWorkers,
  type NamedConnection,
  namedConnections,
  type PresenceContext,
  parseClientList,
  presence,
  presenceContext,
  pruneWorkerRecords,
  type QueuePresence,
  queueConnections,
  queuePresence,
  registerWorker,
  type WorkerKind,
  type WorkerRecord,
  workerRecords,
} from './workers.js';
