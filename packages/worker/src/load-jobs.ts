/**
 * Load job definitions from modules: a default export (a job, an array or an object of jobs) and/or named
 * exports (jobs or arrays of jobs). `.js`/`.mjs` always; `.ts` when a TypeScript loader (e.g. tsx) is active.
 * A module exporting no job, or two different jobs with one name, is an error naming the module and the job.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyJob } from '@sluice/core';
import { isJobDefinition } from '@sluice/core/internal';

/** A job module that cannot be loaded or holds no (or conflicting) job definitions. */
export class JobModuleError extends Error {
  override name = 'JobModuleError';
}

/** The job definitions exported by a module namespace, in export order. */
export function jobsOfModule(mod: Record<string, unknown>): AnyJob[] {
  const out: AnyJob[] = [];
  const add = (v: unknown) => {
    if (isJobDefinition(v) && !out.includes(v)) out.push(v);
  };
  for (const [name, value] of Object.entries(mod)) {
    if (Array.isArray(value)) value.forEach(add);
    else if (name === 'default' && value !== null && typeof value === 'object' && !isJobDefinition(value)) {
      Object.values(value).forEach(add);
    } else add(value);
  }
  return out;
}

const TS = /\.[cm]?tsx?$/;

/** Import `specs` (paths resolved from `cwd`, or package names) and return every job, checking names are unique. */
export async function loadJobs(specs: readonly string[], cwd: string = process.cwd()): Promise<AnyJob[]> {
  const owner = new Map<string, { job: AnyJob; spec: string }>();
  for (const spec of specs) {
    const file = resolve(cwd, spec);
    const url = existsSync(file) ? pathToFileURL(file).href : spec;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (e) {
      const err = e as Error & { code?: string };
      if (TS.test(spec) && err.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
        throw new JobModuleError(
          `cannot load job module ${JSON.stringify(spec)}: TypeScript needs a loader; run node with --import tsx, or build it to .js`,
        );
      }
      throw new JobModuleError(`cannot load job module ${JSON.stringify(spec)}: ${err.message.split('\n')[0]}`);
    }
    const jobs = jobsOfModule(mod);
    if (jobs.length === 0) {
      throw new JobModuleError(
        `job module ${JSON.stringify(spec)} exports no job definitions; export jobs made with defineJob() (named exports, or a default export of a job, an array or an object of jobs)`,
      );
    }
    for (const job of jobs) {
      const prev = owner.get(job.name);
      if (prev && prev.job !== job) {
        const where =
          prev.spec === spec
            ? `twice in ${JSON.stringify(spec)}`
            : `in both ${JSON.stringify(prev.spec)} and ${JSON.stringify(spec)}`;
        throw new JobModuleError(`job "${job.name}" is defined ${where}; job names must be unique`);
      }
      owner.set(job.name, { job, spec });
    }
  }
  return [...owner.values()].map((o) => o.job);
}
