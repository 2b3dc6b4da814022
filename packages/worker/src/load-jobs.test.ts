import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JobModuleError, jobsOfModule, loadJobs } from './load-jobs.js';

const dir = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

describe('loadJobs', () => {
  it('loads named and default exports once each', async () => {
    const jobs = await loadJobs(['jobs-a.mjs'], dir);
    expect(jobs.map((j) => j.name)).toEqual(['email', 'sms']);
  });

  it('fails on a module without jobs, naming it', async () => {
    await expect(loadJobs(['jobs-none.mjs'], dir)).rejects.toThrow(
      /job module "jobs-none.mjs" exports no job definitions/,
    );
  });

  it('fails on a duplicate job name, naming both modules', async () => {
    const p = loadJobs(['jobs-a.mjs', 'jobs-dup.mjs'], dir);
    await expect(p).rejects.toBeInstanceOf(JobModuleError);
    await expect(loadJobs(['jobs-a.mjs', 'jobs-dup.mjs'], dir)).rejects.toThrow(
      /job "email" is defined in both "jobs-a.mjs" and "jobs-dup.mjs"/,
    );
  });

  it('fails on a missing module, naming it', async () => {
    await expect(loadJobs(['nope.mjs'], dir)).rejects.toThrow(/cannot load job module "nope.mjs"/);
  });

  it('finds jobs in a default object', () => {
    const job = { kind: 'sluice.job', name: 'a' };
    expect(jobsOfModule({ default: { a: job, other: 1 } })).toEqual([job]);
  });
});
