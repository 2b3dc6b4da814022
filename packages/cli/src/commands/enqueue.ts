/** `sluice enqueue <job> [payload-json]`, and `--ndjson` for one payload a line from stdin. */
import { createInterface } from 'node:readline';
import { type AnyJob, EnqueueManyError, type EnqueueOptions } from '@sluice/core';
import {
  assertGroupKey,
  assertPriority,
  assertQueueName,
  DEFAULTS,
  encodePayload,
  validatePayload,
} from '@sluice/core/internal';
import { type ConnectOptions, withSluice } from '../connect.js';
import { ExitError, usageError } from '../errors.js';
import { findJob, loadJobModules } from '../jobs.js';
import { json, type Output, plural } from '../output.js';
import { parseDurationFlag, parseJson, parseTime } from '../parse.js';
import { resolveMaxPayload } from '../tls-flags.js';
import { catalogueTarget } from './enqueue-catalogue.js';

/** Options of {@link enqueueCommand}. */
export interface EnqueueCommandOptions extends ConnectOptions {
  /** Job name. */
  job: string;
  /** Payload as JSON text (default `{}`). Not with `ndjson`. */
  payload?: string | undefined;
  /** Queue to put the job on (default: the job's queue, which defaults to its name). */
  queue?: string | undefined;
  /** Delay before the job may run, e.g. `10s` (default: none). Not with `at`. */
  delay?: string | undefined;
  /** ISO time before which the job may not run (default: none). Not with `delay`. */
  at?: string | undefined;
  /** Idempotency key (default: none). Not with `ndjson`. */
  key?: string | undefined;
  /** Priority: high, normal or low (default: the job's, else normal). */
  priority?: string | undefined;
  /** Fair group key (default: the job's `group(payload)`, else none). */
  group?: string | undefined;
  /**
   * Modules that define the jobs; the payload is validated against the job's schema (default: none: the queue and
   * the schema come from the catalogue the workers published).
   */
  jobs?: readonly string[] | undefined;
  /** Read one payload a line from `input` (default false). */
  ndjson?: boolean | undefined;
  /** Where `ndjson` lines come from (default `process.stdin`). */
  input?: NodeJS.ReadableStream | undefined;
  /** Print JSON instead of text (default false). */
  json?: boolean | undefined;
}

/** Bad lines printed one by one before the rest are only counted. */
export const MAX_BAD_LINES_SHOWN = 100;

/** The enqueue options implied by the flags (checked before anything connects). */
function timing(opts: EnqueueCommandOptions): Pick<EnqueueOptions, 'delay' | 'at' | 'queue' | 'priority' | 'group'> {
  if (opts.delay !== undefined && opts.at !== undefined) throw usageError('give either --delay or --at, not both');
  if (opts.queue !== undefined) assertQueueName(opts.queue, '--queue');
  assertPriority(opts.priority, '--priority');
  if (opts.group !== undefined) assertGroupKey(opts.group, '--group');
  return {
    ...(opts.queue === undefined ? {} : { queue: opts.queue }),
    ...(opts.priority === undefined ? {} : { priority: opts.priority }),
    ...(opts.group === undefined ? {} : { group: opts.group }),
    ...(opts.delay === undefined ? {} : { delay: parseDurationFlag(opts.delay, '--delay') }),
    ...(opts.at === undefined ? {} : { at: parseTime(opts.at, '--at') }),
  };
}

/** Enqueue one job and print its id (`{ id, deduplicated }` with `json`), or many with `ndjson` (prints a count). */
export async function enqueueCommand(opts: EnqueueCommandOptions, io: Output): Promise<void> {
  if (typeof opts.job !== 'string' || opts.job === '') throw usageError('job argument: expects a job name');
  const when = timing(opts);
  const job = opts.jobs?.length ? findJob(await loadJobModules(opts.jobs), opts.job) : undefined;
  if (opts.ndjson) return enqueueLines(opts, io, when, job);
  if (opts.key !== undefined && opts.key === '') throw usageError('--key expects a non-empty idempotency key');
  const payload = opts.payload === undefined ? {} : parseJson(opts.payload, 'payload-json argument');
  if (job) await validatePayload(job.name, job.schema, payload);
  const options: EnqueueOptions = { ...when, ...(opts.key === undefined ? {} : { key: opts.key }) };
  const r = await withSluice(opts, async (s) => {
    if (job) return s.enqueue(job, payload, options);
    const target = await catalogueTarget(s, opts.job, when.queue, io);
    const bad = target.check(payload);
    if (bad) throw usageError(`payload-json argument ${bad}`);
    return s.enqueue(opts.job, payload, { ...options, ...(target.queue ? { queue: target.queue } : {}) });
  });
  if (opts.json) io.out(json(r));
  else {
    io.out(r.id);
    if (r.deduplicated)
      io.err(`deduplicated: key ${JSON.stringify(opts.key)} already enqueued job ${r.id}; nothing written`);
  }
}

/** `1-3, 7, 9-10` for the sorted line numbers `lines` (`none` when empty). */
export function lineRanges(lines: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && (lines[j + 1] as number) === (lines[j] as number) + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.length ? out.join(', ') : 'none';
}

/** The one-line report of an `--ndjson` run that Redis cut short: exactly which lines were written. */
export function partialWriteMessage(e: EnqueueManyError, lines: readonly number[]): string {
  const at = (idx: readonly number[]) => lineRanges(idx.map((i) => lines[i] as number).sort((a, b) => a - b));
  const unknown = e.unknown.length ? `; sent without a reply, may or may not be written: lines ${at(e.unknown)}` : '';
  const cause = e.cause instanceof Error ? e.cause.message : String(e.cause);
  return `--ndjson: ${plural(e.written.length, 'line')} of ${lines.length} written before Redis failed (${cause}): written: lines ${at(e.written)}; not written: lines ${at(e.notWritten)}${unknown}`;
}

/** One line's problem: its 1-based number and why it was refused. */
export interface BadLine {
  /** 1-based line number. */
  line: number;
  /** What was wrong. */
  reason: string;
}

/** Parse and check every line; blank lines are skipped. The payloads, their 1-based line numbers, every bad line. */
export async function readPayloadLines(
  input: NodeJS.ReadableStream,
  name: string,
  job: AnyJob | undefined,
  maxPayloadBytes: number = DEFAULTS.maxPayloadBytes,
  check: (payload: unknown) => string | undefined = () => undefined,
): Promise<{ payloads: unknown[]; lines: number[]; bad: BadLine[] }> {
  const payloads: unknown[] = [];
  const lines: number[] = [];
  const bad: BadLine[] = [];
  let n = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    n++;
    if (text.trim() === '') continue;
    try {
      const value = JSON.parse(text) as unknown;
      if (job) await validatePayload(job.name, job.schema, value);
      const bad = check(value);
      if (bad) throw new Error(bad);
      encodePayload(name, value, maxPayloadBytes);
      payloads.push(value);
      lines.push(n);
    } catch (e) {
      const reason = e instanceof SyntaxError ? `not JSON (${e.message})` : (e as Error).message;
      bad.push({ line: n, reason });
    }
  }
  return { payloads, lines, bad };
}

async function enqueueLines(
  opts: EnqueueCommandOptions,
  io: Output,
  when: Pick<EnqueueOptions, 'delay' | 'at' | 'queue' | 'priority' | 'group'>,
  job: AnyJob | undefined,
): Promise<void> {
  if (opts.payload !== undefined) throw usageError('give either a payload-json argument or --ndjson (stdin), not both');
  if (opts.key !== undefined) throw usageError('--key is per job; it cannot be used with --ndjson');
  const max = resolveMaxPayload(opts) ?? DEFAULTS.maxPayloadBytes;
  let queue = when.queue ?? job?.queue ?? opts.job;
  let lines: number[] = [];
  const results = await withSluice(opts, async (s) => {
    const target = job ? undefined : await catalogueTarget(s, opts.job, when.queue, io);
    if (target?.queue) queue = target.queue;
    const read = await readPayloadLines(opts.input ?? process.stdin, opts.job, job, max, target?.check);
    const { payloads, bad } = read;
    lines = read.lines;
    if (bad.length) {
      for (const b of bad.slice(0, MAX_BAD_LINES_SHOWN)) io.err(`line ${b.line}: ${b.reason}`);
      if (bad.length > MAX_BAD_LINES_SHOWN) io.err(`... and ${bad.length - MAX_BAD_LINES_SHOWN} more bad lines`);
      throw new ExitError(
        `--ndjson: ${plural(bad.length, 'bad line')} of ${payloads.length + bad.length}; nothing was enqueued (fix them and run again)`,
      );
    }
    return job ? s.enqueueMany(job, payloads, when) : s.enqueueMany(opts.job, payloads, { ...when, queue });
  }).catch((e: unknown) => {
    throw e instanceof EnqueueManyError ? new ExitError(partialWriteMessage(e, lines), 2, { cause: e }) : e;
  });
  if (opts.json) io.out(json({ count: results.length, queue, ids: results.map((r) => r.id) }));
  else io.out(`enqueued ${plural(results.length, 'job')} to queue ${queue}`);
}
