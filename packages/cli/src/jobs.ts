/**
 * `--jobs <module>` and `worker start <jobs-module...>`: load job definitions with @sluice/worker's loader
 * (errors become usage errors naming the flag) and find one by name.
 */
import type { AnyJob } from '@sluice/core';
import { JobModuleError, loadJobs } from '@sluice/worker/internal';
import { usageError } from './errors.js';

/** Import each module of `specs` (paths from `cwd`, default the working directory, or packages); every job. */
export async function loadJobModules(specs: readonly string[], what = '--jobs', cwd?: string): Promise<AnyJob[]> {
  try {
    return await loadJobs(specs, cwd);
  } catch (e) {
    if (e instanceof JobModuleError) throw usageError(`${what}: ${e.message}`);
    throw e;
  }
}

/** The job named `name` among `jobs`; a usage error listing the names found otherwise. */
export function findJob(jobs: readonly AnyJob[], name: string): AnyJob {
  const job = jobs.find((j) => j.name === name);
  if (job) return job;
  const names = jobs.map((j) => j.name).join(', ');
  throw usageError(
    `job argument: no job named ${JSON.stringify(name)} in the --jobs modules (found: ${names || 'none'})`,
  );
}
