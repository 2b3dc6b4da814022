/** @sluice/cli: the `sluice` commands as functions (each takes an options object and an output sink). */
export { connectOf, examples, type GlobalOptions, type ProgramContext } from './cli-context.js';
export {
  type DashboardCommandOptions,
  dashboardCommand,
  resolveDashboardCommand,
} from './commands/dashboard.js';
export {
  type DeadListOptions,
  type DeadOptions,
  type DeadPurgeOptions,
  type DeadRedriveOptions,
  type DeadShowOptions,
  deadDetail,
  deadListCommand,
  deadPurgeCommand,
  deadRedriveCommand,
  deadShowCommand,
  deadTable,
} from './commands/dead.js';
export { type EnqueueCommandOptions, enqueueCommand, readPayloadLines } from './commands/enqueue.js';
export {
  type JobIdOptions,
  type JobListOptions,
  jobCancelCommand,
  jobDeleteCommand,
  jobDetail,
  jobListCommand,
  jobPromoteCommand,
  jobRetryCommand,
  jobShowCommand,
  jobTable,
} from './commands/job.js';
export { type MetricsCommandOptions, metricsCommand, resolveMetricsCommand } from './commands/metrics.js';
export {
  type QueueActionOptions,
  type QueueDestroyOptions,
  type QueueListOptions,
  queueDeleteCommand,
  queueEmptyCommand,
  queueListCommand,
  queuePauseCommand,
  queueResumeCommand,
} from './commands/queue.js';
export {
  type RegistryListOptions,
  type ScheduleRunOptions,
  scheduleListCommand,
  scheduleRunCommand,
  scheduleTable,
  workerListCommand,
  workerTable,
} from './commands/registry.js';
export {
  DEFAULT_WATCH_MS,
  type QueueStatsJson,
  type StatsCommandOptions,
  type StatsReport,
  statsCommand,
  statsTable,
} from './commands/stats.js';
export {
  type ResolvedWorkerOptions,
  resolveWorkerOptions,
  type WorkerStartOptions,
  workerStartCommand,
} from './commands/worker.js';
export {
  assertEnvName,
  drainSummary,
  headersFromEnv,
  resolveDrainOptions,
  resolvePushOptions,
  resolvePushUrl,
  secretsFromEnv,
  type WorkerDrainOptions,
  type WorkerPushOptions,
  workerDrainCommand,
  workerPushCommand,
} from './commands/worker-drivers.js';
export {
  type ConnectOptions,
  DEFAULT_REDIS_URL,
  openSluice,
  type RedisTarget,
  resolveCluster,
  resolveRedisUrl,
  resolveTarget,
  withSluice,
} from './connect.js';
export { EXIT, ExitError, exitCodeOf, formatError } from './errors.js';
export { type CapturedOutput, captureOutput, type Output, processOutput, table } from './output.js';
export { buildProgram, runCli } from './program.js';
export { type Breach, evaluateThresholds, formatBreach, parseThresholds, type Thresholds } from './thresholds.js';
export { resolveMaxPayload, resolveTls, type SecurityFlags, securityOptions } from './tls-flags.js';
