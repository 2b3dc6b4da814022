/**
 * @sluice/worker: the worker runtime (consumers, retries, leases, reclaim, promoter, cron, shutdown) and its
 * drivers. The root exports only what an application uses; `@sluice/worker/fetch` is the receiving side of a push
 * (no Redis client), and `@sluice/worker/internal` holds what the Sluice CLI needs beyond this.
 */

export {
  type DrainNotStarted,
  type DrainOptions,
  type DrainResult,
  type DrainStop,
  drain,
} from './drivers/drain/drain.js';
export { type DrainProcessOptions, runDrainProcess } from './drivers/drain/drain-process.js';
export {
  createPushDispatcher,
  type PushDispatcherOptions,
  pushWorkerOptions,
} from './drivers/push/push-dispatcher.js';
export type {
  Emit,
  JobEventBase,
  WorkerEventMap,
  WorkerEventName,
  WorkerListener,
} from './events.js';
export type { LoggerSettings } from './logger.js';
export type { MetricsOptions } from './metrics/options.js';
export type { ResolvedOptions, WorkerOptions } from './options.js';
export type { Decision } from './run/decision.js';
export { type InterruptKind, JobInterrupt, MissingHandlerError } from './run/errors.js';
export { type RunJobOptions, type RunJobResult, type RunOutcome, runJob } from './run/run-job.js';
export { createWorker, type Worker } from './worker.js';
export { runWorkerProcess, type WorkerProcessOptions } from './worker-process.js';
