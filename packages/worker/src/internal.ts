/**
 * @sluice/worker/internal: what the Sluice CLI needs beyond the public root (loading job modules named on the
 * command line). Not a stable API: it may change in any release.
 */
export { JobModuleError, loadJobs } from './load-jobs.js';
