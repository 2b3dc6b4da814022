/**
 * @sluice/worker/internal: what the Sluice CLI needs beyond the public root (loading job modules named on the
 * command line, the standalone metrics exporter of `sluice metrics`, the metric names the tests check the docs
 * against). Not a stable API: it may change in any release.
 */
export { JobModuleError, loadJobs } from './load-jobs.js';
export * from './metrics/index.js';
