/** @sluice/worker: the worker runtime (consumers, retries, leases, reclaim, promoter, cron, shutdown). */

export { type QueueCost, queueCost, readCount } from './drivers/drain/budget.js';
export {
  DEFAULT_ESTIMATE_MS,
  type DrainOptions,
  type DrainResult,
  type DrainStop,
  defaultSafetyMs,
  drain,
} from './drivers/drain/drain.js';
export {
  classifyResponse,
  createPushDispatcher,
  DEFAULT_PUSH_TIMEOUT,
  deliveryId,
  honourRetryAfter,
  type PushDispatcherOptions,
  type PushVerdict,
  pushWorkerOptions,
  reasonOf,
} from './drivers/push/push-dispatcher.js';
export { checkDurability, type DurabilityReport } from './durability.js';
export {
  type Emit,
  type JobEventBase,
  type WorkerEventMap,
  type WorkerEventName,
  WorkerEvents,
  type WorkerListener,
} from './events.js';
export * from './fetch.js';
export { JobModuleError, jobsOfModule, loadJobs } from './load-jobs.js';
export { createLogger, type LoggerSettings, prettyAvailable, resolveLogger } from './logger.js';
export { blockFor, PAUSE_RECHECK_MS } from './loops/consumer.js';
export {
  type CronPlan,
  checkCron,
  dueAction,
  latestDueTick,
  nextTick,
  planSchedules,
  tickTtl,
} from './loops/cron-scheduler.js';
export { type ResolvedOptions, resolveOptions, WORKER_DEFAULTS, type WorkerOptions } from './options.js';
export { AckBatcher } from './run/ack-batcher.js';
export { type Attempt, asError, classify, type Decision, MAX_ERROR_CHARS, MAX_STACK_CHARS } from './run/decision.js';
export { type InterruptKind, JobInterrupt, MissingHandlerError } from './run/errors.js';
export { createJobContext } from './run/handler-context.js';
export { type RunJobOptions, type RunJobResult, type RunOutcome, runJob } from './run/run-job.js';
export { consumerName, createWorker, type Worker } from './worker.js';
export { runWorkerProcess, type WorkerProcessOptions } from './worker-process.js';
