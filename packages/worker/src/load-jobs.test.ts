import { join } from 'node:path';
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

  it('fails on a missing module, naming it and the file it resolves to from cwd', async () => {
    await expect(loadJobs(['nope.mjs'], dir)).rejects.toThrow(
      `cannot load job module "nope.mjs": no such file ${dir}nope.mjs`,
    );
    await expect(loadJobs(['./dist/jobs.js'], dir)).rejects.toThrow(
      `cannot load job module "./dist/jobs.js": no such file ${join(dir, 'dist/jobs.js')}`,
    );
    await expect(loadJobs(['dist/jobs.js'], dir)).rejects.toThrow(`no such file ${join(dir, 'dist/jobs.js')}`);
    await expect(loadJobs(['no-such-package-xyz'], dir)).rejects.toThrow(
      `cannot load job module "no-such-package-xyz": no such file or package (looked for ${join(dir, 'no-such-package-xyz')} and package "no-such-package-xyz" from ${dir})`,
    );
  });

  it("never loads Sluice's own modules for ./index.js or ./fetch.js (they sit beside the loader)", async () => {
    for (const spec of ['./index.js', './fetch.js', 'index.js', './load-jobs.js']) {
      await expect(loadJobs([spec], dir)).rejects.toThrow(
        `cannot load job module "${spec}": no such file ${join(dir, spec)}`,
      );
    }
  });

  it('loads a package installed where cwd can see it', async () => {
    await expect(loadJobs(['cron-parser'], dir)).rejects.toThrow('job module "cron-parser" exports no job definitions');
  });

  it('finds jobs in a default object', () => {
    const job = { kind: 'sluice.job', name: 'a' };
    expect(jobsOfModule({ default: { a: job, other: 1 } })).toEqual([job]);
  });
});
