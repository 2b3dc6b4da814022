/** @sluice/worker: the worker runtime (consumers, retries, leases, reclaim, promoter, cron, shutdown). */
export { AckBatcher } from './acks.js';
export {
  type Attempt,
  asError,
  classify,
  type Decision,
  type InterruptKind,
  JobInterrupt,
  MAX_ERROR_CHARS,
  MAX_STACK_CHARS,
  MissingHandlerError,
} from './classify.js';
export { blockFor, PAUSE_RECHECK_MS } from './consumer.js';
export { createJobContext } from './context.js';
export { type QueueCost, queueCost, readCount } from './drivers/budget.js';
export {
  DEFAULT_ESTIMATE_MS,
  type DrainOptions,
  type DrainResult,
  type DrainStop,
  defaultSafetyMs,
  drain,
} from './drivers/drain.js';
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
} from './drivers/push-dispatcher.js';
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
export { type ResolvedOptions, resolveOptions, WORKER_DEFAULTS, type WorkerOptions } from './options.js';
export { runWorkerProcess, type WorkerProcessOptions } from './process.js';
export { type RunJobOptions, type RunJobResult, type RunOutcome, runJob } from './run-job.js';
export { type CronPlan, checkCron, dueAction, latestDueTick, nextTick, planSchedules, tickTtl } from './scheduler.js';
export { consumerName, createWorker, type Worker } from './worker.js';
