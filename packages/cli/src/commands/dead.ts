/** `sluice dead list|show|redrive|purge`: the dead-letter stream of a queue. */
import type { DeadJob } from '@sluice/core';
import { assertQueueName, escapeControl, type NotRedriven } from '@sluice/core/internal';
import { assertKnownQueue, type ConnectOptions, withSluice } from '../connect.js';
import { EXIT, ExitError, usageError } from '../errors.js';
import { age, json, type Output, plural, table, truncate } from '../output.js';
import { parseCount, parseDurationFlag } from '../parse.js';

/** Options every dead-letter command takes. */
export interface DeadOptions extends ConnectOptions {
  /** The queue whose dead letters to act on (must be a known queue). */
  queue: string;
  /** Print JSON instead of text (default false). */
  json?: boolean | undefined;
}

/** Options of {@link deadListCommand}. */
export interface DeadListOptions extends DeadOptions {
  /** Most entries to show, newest first (default 20). */
  limit?: number | string | undefined;
}

/** Options of {@link deadShowCommand}. */
export interface DeadShowOptions extends DeadOptions {
  /** Dead-letter entry id (as `dead list` shows it). */
  id: string;
}

/** Options of {@link deadRedriveCommand}. */
export interface DeadRedriveOptions extends DeadOptions {
  /** Entry ids to move back (default none; then `all` is required). */
  ids?: readonly string[] | undefined;
  /** Move every entry back, oldest first (default false). */
  all?: boolean | undefined;
  /** With `all`, move at most this many (default: no limit). */
  limit?: number | string | undefined;
}

/** Options of {@link deadPurgeCommand}. */
export interface DeadPurgeOptions extends DeadOptions {
  /** Delete only entries dead for longer than this duration, e.g. `7d` (default: all). */
  olderThan?: string | undefined;
  /** Confirm the deletion; refused without it (default false). */
  yes?: boolean | undefined;
}

/** Default `--limit` of `dead list`. */
export const DEFAULT_DEAD_LIST_LIMIT = 20;

const ID = /^\d{1,20}(-\d{1,20})?$/;

function assertEntryId(id: string): void {
  if (!ID.test(id)) {
    throw usageError(
      `id argument expects a dead-letter entry id like 1732400000000-0 (see sluice dead list); got ${JSON.stringify(id)}`,
    );
  }
}

/** The table of `dead list`. */
export function deadTable(entries: readonly DeadJob[], now: number = Date.now()): string[] {
  const rows = entries.map((d) => [
    d.deadId,
    d.job.id ?? '-',
    d.job.name ?? '-',
    d.attempts === undefined ? '-' : String(d.attempts),
    d.reason || '-',
    age(Math.max(0, now - d.deadAt)),
    truncate(d.error, 60),
  ]);
  return table(
    [
      { header: 'DEAD ID' },
      { header: 'JOB ID' },
      { header: 'NAME' },
      { header: 'ATTEMPTS', align: 'right' },
      { header: 'REASON' },
      { header: 'AGE', align: 'right' },
      { header: 'ERROR' },
    ],
    rows,
  );
}

const time = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : ms >= 1e11 ? `${new Date(ms).toISOString()} (${ms})` : String(ms);

/** The lines of `dead show`: every field aligned, the payload pretty-printed, the stack last. */
export function deadDetail(d: DeadJob): string[] {
  const { job } = d;
  const named: [string, string | number | undefined][] = [
    ['deadId', d.deadId],
    ['reason', d.reason],
    ['error', d.error || undefined],
    ['attempts', d.attempts],
    ['id', job.id],
    ['name', job.name],
    ['attempt', job.attempt],
    ['enqueuedAt', time(job.enqueuedAt)],
    ['trace', job.trace],
    ['key', job.key],
    ['entryId', d.entryId],
    ['failedAt', time(d.failedAt)],
    ['firstFailedAt', time(d.firstFailedAt)],
    ['deadAt', time(d.deadAt)],
    ['member', d.member],
    ...Object.entries(d.other),
    ['truncated', d.truncated],
  ];
  const pairs = named.filter((p): p is [string, string | number] => p[1] !== undefined);
  const width = Math.max(...pairs.map(([k]) => k.length), 4);
  const lines = pairs.map(([k, v]) => `${escapeControl(k).padEnd(width)}  ${escapeControl(String(v))}`);
  if (job.data !== undefined) {
    let pretty = job.data;
    try {
      pretty = JSON.stringify(JSON.parse(job.data), null, 2);
    } catch {
      // not JSON: show as stored
    }
    lines.push('data:', ...pretty.split('\n').map((l) => `  ${l}`));
  }
  if (d.stack) lines.push('stack:', ...d.stack.split('\n').map((l) => `  ${l}`));
  return lines;
}

/** List the newest dead-lettered jobs of a queue. */
export async function deadListCommand(opts: DeadListOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  const limit = opts.limit === undefined ? DEFAULT_DEAD_LIST_LIMIT : parseCount(opts.limit, '--limit', 1);
  const entries = await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    return s.dead.list(opts.queue, limit);
  });
  if (opts.json) io.out(json(entries));
  else if (entries.length === 0) io.err(`no dead-lettered jobs in queue ${opts.queue}`);
  else for (const line of deadTable(entries)) io.out(line);
}

/** Show one dead-lettered job with its error, stack and payload. Exit 1 when there is no such entry. */
export async function deadShowCommand(opts: DeadShowOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  assertEntryId(opts.id);
  const entry = await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    return s.dead.get(opts.queue, opts.id);
  });
  if (!entry) throw new ExitError(`no dead-letter entry ${opts.id} in queue ${opts.queue}`, EXIT.failed);
  if (opts.json) io.out(json(entry));
  else for (const line of deadDetail(entry)) io.out(line);
}

/**
 * Move dead-lettered jobs back to the queue's stream (atomically, attempts reset); prints how many, and warns about
 * entries it left (ids not found, entries that hold no job, such as a `lost` tombstone). Always ends.
 */
export async function deadRedriveCommand(opts: DeadRedriveOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  const ids = opts.ids ?? [];
  if (ids.length && opts.all) throw usageError('give either entry ids or --all, not both');
  if (!ids.length && !opts.all) throw usageError('dead redrive needs entry ids (see sluice dead list) or --all');
  if (opts.limit !== undefined && !opts.all) throw usageError('--limit applies only with --all');
  for (const id of ids) assertEntryId(id);
  const limit = opts.limit === undefined ? undefined : parseCount(opts.limit, '--limit', 1);
  const r = await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    return s.dead.redrive(opts.queue, ids.length ? { ids } : { all: true, ...(limit === undefined ? {} : { limit }) });
  });
  if (opts.json) io.out(json({ queue: opts.queue, redriven: r.moved, notMoved: r.notMoved }));
  else io.out(`redrove ${plural(r.moved, 'job')} to queue ${opts.queue}`);
  for (const line of notRedrivenWarnings(r.notMoved, ids.length)) io.err(line);
}

/** The warnings of `dead redrive` for the entries it left in the dead-letter stream. */
export function notRedrivenWarnings(notMoved: readonly NotRedriven[], asked: number): string[] {
  const out: string[] = [];
  const missing = notMoved.filter((n) => n.why === 'not-found').length;
  if (missing) out.push(`warning: ${missing} of ${asked} ids were not in the dead-letter stream`);
  const notJobs = notMoved.filter((n) => n.why === 'not-a-job');
  if (notJobs.length) {
    const shown = notJobs.slice(0, 5).map((n) => (n.reason ? `${n.deadId} (${n.reason})` : n.deadId));
    const more = notJobs.length > shown.length ? ` and ${notJobs.length - shown.length} more` : '';
    out.push(
      `warning: ${notJobs.length === 1 ? '1 entry' : `${notJobs.length} entries`} left in the dead-letter stream: no job id, name or payload to redrive (${shown.join(', ')}${more})`,
    );
  }
  return out;
}

/** Delete dead-lettered jobs for good (all, or those older than `olderThan`); refused without `yes`. */
export async function deadPurgeCommand(opts: DeadPurgeOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  const olderThanMs = opts.olderThan === undefined ? undefined : parseDurationFlag(opts.olderThan, '--older-than');
  if (!opts.yes) {
    throw usageError(`dead purge deletes the dead letters of queue ${opts.queue} for good; add --yes to confirm`);
  }
  const purged = await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    return s.dead.purge(opts.queue, olderThanMs);
  });
  if (opts.json) io.out(json({ queue: opts.queue, purged }));
  else io.out(`purged ${plural(purged, 'dead-lettered job')} from queue ${opts.queue}`);
}
