/** `sluice job show|ls|cancel|delete|promote|retry`: one job by the id enqueue printed, and pages of jobs by state. */
import type { JobInfo, ListJobsOptions, Sluice } from '@sluice/core';
import { assertJobId, assertQueueName, escapeControl } from '@sluice/core/internal';
import { assertKnownQueue, type ConnectOptions, withSluice } from '../connect.js';
import { EXIT, ExitError, usageError } from '../errors.js';
import { age, json, type Output, table, truncate } from '../output.js';
import { parseCount } from '../parse.js';

/** Options every job command takes. */
export interface JobOptions extends ConnectOptions {
  /** The queue (must be a known one). */
  queue: string;
  /** Print JSON instead of text (default false). */
  json?: boolean | undefined;
}

/** Options of the commands on one job. */
export interface JobIdOptions extends JobOptions {
  /** The job id, as `sluice enqueue` printed it. */
  id: string;
}

/** Options of {@link jobListCommand}. */
export interface JobListOptions extends JobOptions {
  /** ready, running, delayed or dead (default ready). */
  state?: string | undefined;
  /** Only jobs of this name (default: any). */
  name?: string | undefined;
  /** Only jobs whose id, name or payload contains this text (default: any). */
  search?: string | undefined;
  /** Most jobs per page, 1-1000 (default 50). */
  limit?: string | number | undefined;
  /** The cursor printed by the previous page (default: the start). */
  cursor?: string | undefined;
  /** Newest first (default: oldest first). */
  newest?: boolean | undefined;
}

const STATES = ['ready', 'running', 'delayed', 'dead', 'completed'] as const;

/** Check the queue and id arguments, connect, check the queue is known, run `fn`. */
async function onJob<T>(opts: JobIdOptions, fn: (s: Sluice) => Promise<T>): Promise<T> {
  assertQueueName(opts.queue, 'queue argument');
  try {
    assertJobId(opts.id);
  } catch {
    throw usageError(`id argument expects a job id as sluice enqueue prints it; got ${JSON.stringify(opts.id)}`);
  }
  return withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    return fn(s);
  });
}

const notFound = (o: JobIdOptions) =>
  new ExitError(`no job ${o.id} in queue ${o.queue} (finished, deleted, or never enqueued there)`, EXIT.failed);

const time = (ms: number | null | undefined): string | undefined =>
  ms === null || ms === undefined ? undefined : `${new Date(ms).toISOString()} (${ms})`;

/** A value read from Redis on one line: a string as it is, anything else as JSON (escaped by the caller). */
const shown = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

/** The lines of `job show`: every field aligned, the payload pretty-printed. */
export function jobDetail(j: JobInfo): string[] {
  const named: [string, string | number | undefined][] = [
    ['id', j.id],
    ['state', j.state],
    ['name', j.name],
    ['attempt', j.attempt ?? undefined],
    ['enqueuedAt', time(j.enqueuedAt)],
    ['firstFailedAt', time(j.firstFailedAt)],
    ['key', j.key],
    ['entryId', j.entryId],
    ['dueAt', time(j.dueAt)],
    ['consumer', j.running?.consumer],
    ['leaseAge', j.running ? age(j.running.idleMs) : undefined],
    ['deliveries', j.running?.deliveries],
    ['cancelRequestedAt', time(j.running?.cancelRequestedAt)],
    ['progress', j.progress === undefined ? undefined : shown(j.progress)],
    ['deadId', j.dead?.deadId],
    ['reason', j.dead?.reason],
    ['error', j.dead?.error || undefined],
    ['finishedAt', time(j.finishedAt)],
    ['result', j.result === undefined ? undefined : shown(j.result)],
    ['resultError', j.resultError],
    ['error', j.error],
    ['cancelledAt', time(j.cancelled?.at)],
    ['cancelledFrom', j.cancelled?.from],
  ];
  const pairs = named.filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== '');
  const width = Math.max(...pairs.map(([k]) => k.length));
  const lines = pairs.map(([k, v]) => `${k.padEnd(width)}  ${escapeControl(String(v))}`);
  let pretty = j.data;
  try {
    pretty = JSON.stringify(JSON.parse(j.data), null, 2);
  } catch {
    // not JSON: show as stored
  }
  lines.push('data:', ...pretty.split('\n').map((l) => `  ${escapeControl(l)}`));
  if (j.dead?.stack) lines.push('stack:', ...j.dead.stack.split('\n').map((l) => `  ${escapeControl(l)}`));
  return lines;
}

/** The table of `job ls`. */
export function jobTable(jobs: readonly JobInfo[], now: number = Date.now()): string[] {
  const rows = jobs.map((j) => [
    escapeControl(j.id),
    escapeControl(j.name),
    j.attempt === null ? '-' : String(j.attempt),
    j.enqueuedAt === null ? '-' : age(Math.max(0, now - j.enqueuedAt)),
    escapeControl(
      j.running
        ? `${j.running.consumer} (lease ${age(j.running.idleMs)})`
        : j.dueAt !== undefined
          ? `due in ${age(Math.max(0, j.dueAt - now))}`
          : j.dead
            ? `${j.dead.reason}: ${j.dead.error}`
            : j.state === 'completed'
              ? `finished ${j.finishedAt ? age(Math.max(0, now - j.finishedAt)) : '?'} ago: ${j.resultError ?? shown(j.result)}`
              : '',
    ),
    escapeControl(truncate(j.data, 60)),
  ]);
  return table(
    [
      { header: 'JOB ID' },
      { header: 'NAME' },
      { header: 'ATTEMPT', align: 'right' },
      { header: 'AGE', align: 'right' },
      { header: 'WHERE' },
      { header: 'PAYLOAD' },
    ],
    rows.map((r) => r.map((c) => truncate(c, 80))),
  );
}

/** Show one job by its id: state, fields, lease, payload. Exit 1 when there is none. */
export async function jobShowCommand(opts: JobIdOptions, io: Output): Promise<void> {
  const j = await onJob(opts, (s) => s.getJob(opts.queue, opts.id));
  if (!j) throw notFound(opts);
  if (opts.json) io.out(json(j));
  else for (const line of jobDetail(j)) io.out(line);
}

/** List a page of jobs in one state; prints the cursor of the next page to stderr (or in the JSON). */
export async function jobListCommand(opts: JobListOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  const state = opts.state ?? 'ready';
  if (!(STATES as readonly string[]).includes(state)) {
    throw usageError(`--state expects one of ${STATES.join(', ')}; got ${JSON.stringify(state)}`);
  }
  const limit = opts.limit === undefined ? 50 : parseCount(opts.limit, '--limit', 1);
  if (limit > 1000) throw usageError(`--limit expects at most 1000; got ${limit}`);
  const lo: ListJobsOptions = {
    state: state as ListJobsOptions['state'],
    name: opts.name,
    search: opts.search,
    limit,
    cursor: opts.cursor,
    order: opts.newest ? 'newest' : 'oldest',
  };
  const page = await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    return s.listJobs(opts.queue, lo).catch((e: Error) => {
      if (/^cursor must/.test(e.message)) throw usageError(`--cursor expects the cursor a previous page printed`);
      throw e;
    });
  });
  if (opts.json) {
    io.out(json(page));
    return;
  }
  if (page.jobs.length === 0)
    io.err(
      `no ${state} jobs${opts.name || opts.search ? ' matching' : ''} in queue ${opts.queue}${page.cursor ? ' in this chunk' : ''}`,
    );
  else for (const line of jobTable(page.jobs)) io.out(line);
  if (page.cursor) io.err(`more: add --cursor ${page.cursor}`);
}

/** Cancel a ready or delayed job (it never runs); for a running job, record a cancel request. Exit 1 when not found. */
export async function jobCancelCommand(opts: JobIdOptions, io: Output): Promise<void> {
  const r = await onJob(opts, (s) => s.cancelJob(opts.queue, opts.id));
  if (r.done === 'not-found') throw notFound(opts);
  if (r.done === 'refused') {
    throw new ExitError(`job ${opts.id} is dead, not waiting: delete it with sluice job delete`, EXIT.failed);
  }
  if (opts.json) io.out(json({ queue: opts.queue, id: opts.id, ...r }));
  else if (r.done === 'removed') io.out(`cancelled ${r.from} job ${opts.id} in queue ${opts.queue}`);
  else
    io.out(
      `asked worker ${r.consumer} to stop running job ${opts.id} in queue ${opts.queue}: its ctx.signal is aborted and the job is recorded as cancelled (not retried); sluice job show tells when it is`,
    );
}

/** Delete a ready, delayed or dead job. Exit 1 when not found or running. */
export async function jobDeleteCommand(opts: JobIdOptions, io: Output): Promise<void> {
  const r = await onJob(opts, (s) => s.deleteJob(opts.queue, opts.id));
  if (r.done === 'not-found') throw notFound(opts);
  if (r.done !== 'removed') {
    throw new ExitError(`job ${opts.id} is running: cancel it first with sluice job cancel`, EXIT.failed);
  }
  if (opts.json) io.out(json({ queue: opts.queue, id: opts.id, deleted: r.from }));
  else io.out(`deleted ${r.from} job ${opts.id} from queue ${opts.queue}`);
}

/** Run a delayed job now. Exit 1 when not found or not delayed. */
export async function jobPromoteCommand(opts: JobIdOptions, io: Output): Promise<void> {
  const r = await onJob(opts, (s) => s.promoteJob(opts.queue, opts.id));
  if (r === 'not-found') throw notFound(opts);
  if (r === 'not-delayed') throw new ExitError(`job ${opts.id} is not delayed (see sluice job show)`, EXIT.failed);
  if (opts.json) io.out(json({ queue: opts.queue, id: opts.id, entryId: r.entryId }));
  else io.out(`promoted job ${opts.id}: ready in queue ${opts.queue}`);
}

/** Retry a dead job by its job id (attempts reset). Exit 1 when not found or not dead. */
export async function jobRetryCommand(opts: JobIdOptions, io: Output): Promise<void> {
  const r = await onJob(opts, (s) => s.retryJob(opts.queue, opts.id));
  if (r === 'not-found') throw notFound(opts);
  if (r === 'not-dead') throw new ExitError(`job ${opts.id} is not dead (see sluice job show)`, EXIT.failed);
  if (opts.json) io.out(json({ queue: opts.queue, id: opts.id, retried: true }));
  else io.out(`retried job ${opts.id}: ready in queue ${opts.queue} (attempt 1)`);
}
