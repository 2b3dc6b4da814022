/** @sluice/core: typed Redis Streams commands, keys, Lua scripts, defineJob, enqueue and the inspector. */
export {
  assertBackoff,
  type Backoff,
  type BackoffFunction,
  backoffDelay,
  DEFAULT_BACKOFF,
  type ExponentialBackoff,
  type FixedBackoff,
} from './backoff.js';
export { type Clock, systemClock } from './clock.js';
/** Every stream command with its argument builder and reply transform: `streamCommands.xaddArgs(...)`. */
export * as streamCommands from './commands/index.js';
export {
  type ConsumerInfo,
  createStreams,
  type GroupInfo,
  type GroupReadEntry,
  type PendingEntry,
  type PendingSummary,
  type StreamEntry,
  type StreamInfo,
  type StreamRead,
  type Streams,
  streamsFor,
} from './commands/index.js';
export {
  Connection,
  type ConnectionOptions,
  createSluiceClient,
  createSluiceCluster,
  type RedisClientLike,
  type RedisClusterLike,
  type RedisExecutor,
  redactUrl,
} from './connection.js';
export {
  type AnyJob,
  type ChainEnqueue,
  defineJob,
  type EnqueueOptions,
  type EnqueueResult,
  isJobDefinition,
  type JobContext,
  type JobDefinition,
  type JobInput,
  type JobLogger,
  type JobSchedule,
  type JobSpec,
  type LogFn,
  type RetryOptions,
} from './define-job.js';
export { formatDuration, parseDuration } from './duration.js';
export { type EnqueueContext, enqueue, enqueueMany, type JobRef, type ReplicaAcks } from './enqueue.js';
export { EnqueueManyError } from './enqueue-recover.js';
export {
  isLeaseLost,
  JobValidationError,
  LeaseLost,
  leaseLostMessage,
  SluiceArgumentError,
  UnrecoverableError,
  type ValidationIssue,
} from './errors.js';
export { type ConsumerStats, listQueues, type QueueStats, queueStats, stats } from './inspect.js';
export {
  type DecodedEnvelope,
  decodeEnvelope,
  encodePayload,
  envelopeFields,
  envelopeMember,
  type JobEnvelope,
  newJobId,
} from './job.js';
export { assertQueueName, GROUP, type QueueKeys, queueKeys, queuesKey } from './keys.js';
export { DEFAULTS } from './options.js';
export { type DeadJob, getDead, listDead, pauseQueue, purgeDead, redrive, resumeQueue } from './queue-admin.js';
export {
  ackDeliveries,
  type DeadLetter,
  type DeadReason,
  type Delivery,
  deadLetter,
  type EnqueueMode,
  enqueueCronTick,
  type Fenced,
  finishMarker,
  isWakeMarker,
  type PromoteResult,
  promoteDue,
  reapConsumer,
  redriveDead,
  renewLeases,
  retryLater,
  runEnqueue,
  SCRIPTS,
} from './scripts/index.js';
export { LuaScript } from './scripts/lua-script.js';
export {
  assertSupportedServer,
  atLeast,
  MIN_REDIS_VERSION,
  parseServerInfo,
  type ServerVersion,
  serverVersion,
  UnsupportedServerError,
} from './server-version.js';
export { createSluice, type Sluice, type SluiceOptions } from './sluice.js';
export type { StandardSchemaV1 } from './standard-schema.js';
export { checkPayload, validatePayload } from './validate.js';
