/**
 * `sluice enqueue NAME` without `--jobs`: the job's queue and payload check come from the catalogue the workers
 * published. A name no worker published is refused (naming the known ones) unless `--queue` says where it goes; a
 * name served on several queues needs `--queue` to choose (docs/decisions.md, "Job catalogue").
 */
import type { CatalogueEntry, Sluice } from '@sluice/core';
import { EXIT, ExitError } from '../errors.js';
import type { Output } from '../output.js';
import { problemsLine, schemaChecker } from '../payload-schema.js';

/** Names listed in the unknown-job error before the rest are counted. */
const MAX_NAMES = 20;

/** Where the job goes and how its payloads are checked. */
export interface CatalogueTarget {
  /** The queue to enqueue on (undefined: the job's name, as without a catalogue). */
  queue: string | undefined;
  /** The problems of a payload in one line, or undefined when it fits (or nothing can check it). */
  check(payload: unknown): string | undefined;
}

const quoted = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(', ');

function unknownJob(name: string, all: readonly CatalogueEntry[]): ExitError {
  const names = [...new Set(all.map((e) => e.name))];
  const known = names.length
    ? `known jobs: ${quoted(names.slice(0, MAX_NAMES))}${names.length > MAX_NAMES ? ` and ${names.length - MAX_NAMES} more` : ''}`
    : 'no worker has published any job yet';
  return new ExitError(
    `unknown job ${JSON.stringify(name)} (${known}); fix the name, start a worker that runs it, or pass --queue (or --jobs) to enqueue it anyway`,
    EXIT.usage,
  );
}

/** Resolve job `name` (and the `--queue` given, if any) against the catalogue. */
export async function catalogueTarget(
  s: Sluice,
  name: string,
  queue: string | undefined,
  io: Output,
): Promise<CatalogueTarget> {
  const all = await s.listCatalogue();
  const entries = all.filter((e) => e.name === name);
  if (entries.length === 0 && queue === undefined) throw unknownJob(name, all);
  if (queue === undefined && entries.length > 1) {
    throw new ExitError(
      `job ${JSON.stringify(name)} runs on several queues (${quoted(entries.map((e) => e.queue))}); pass --queue to choose one`,
      EXIT.usage,
    );
  }
  const entry = queue === undefined ? entries[0] : entries.find((e) => e.queue === queue);
  const none = { queue, check: () => undefined };
  if (!entry?.schema) return entry ? { ...none, queue: entry.queue } : none;
  let problems: (payload: unknown) => { at: string; message: string }[];
  try {
    problems = schemaChecker(entry.schema);
  } catch (e) {
    io.err(
      `warning: the JSON Schema published for job ${JSON.stringify(name)} cannot be used (${(e as Error).message}); the payload is not checked`,
    );
    return { ...none, queue: entry.queue };
  }
  return {
    queue: entry.queue,
    check: (payload) => {
      const p = problems(payload);
      return p.length ? `does not match the schema of job ${JSON.stringify(name)}: ${problemsLine(p)}` : undefined;
    },
  };
}
