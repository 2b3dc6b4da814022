/**
 * Load job definitions from modules: a default export (a job, an array or an object of jobs) and/or named
 * exports (jobs or arrays of jobs). `.js`/`.mjs` always; `.ts` when a TypeScript loader (e.g. tsx) is active.
 * A module exporting no job, or two different jobs with one name, is an error naming the module and the job.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
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
const SCRIPT = /\.[cm]?[jt]sx?$/;

/**
 * The URL to import for `spec`, resolved from `cwd` and never from Sluice's own files: an existing file; else a
 * package installed where `cwd` can see it. A path (`./x`, `../x`, `/x`) that does not exist, or a name with a
 * script extension that is neither a file nor a package, is an error naming the file the user meant.
 */
function moduleUrl(spec: string, cwd: string): string {
  const file = resolve(cwd, spec);
  if (existsSync(file)) return pathToFileURL(file).href;
  const missing = () => new JobModuleError(`cannot load job module ${JSON.stringify(spec)}: no such file ${file}`);
  if (spec.startsWith('.') || isAbsolute(spec)) throw missing();
  try {
    return pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(spec)).href;
  } catch (e) {
    if (SCRIPT.test(spec)) throw missing();
    const why = (e as { code?: string }).code === 'MODULE_NOT_FOUND' ? 'no such file or package' : (e as Error).message;
    throw new JobModuleError(
      `cannot load job module ${JSON.stringify(spec)}: ${why.split('\n')[0]} (looked for ${file} and package ${JSON.stringify(spec)} from ${cwd})`,
    );
  }
}

/**
 * Import `specs` (files resolved from `cwd`, default the working directory, or packages installed there) and
 * return every job, checking names are unique.
 */
export async function loadJobs(specs: readonly string[], cwd: string = process.cwd()): Promise<AnyJob[]> {
  const owner = new Map<string, { job: AnyJob; spec: string }>();
  for (const spec of specs) {
    const url = moduleUrl(spec, cwd);
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
