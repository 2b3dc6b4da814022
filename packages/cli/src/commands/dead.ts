/** `sluice dead list|show|redrive|purge`: the dead-letter stream of a queue. */
import { assertQueueName, type DeadJob, escapeControl } from '@sluice/core';
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

/** When the entry was dead-lettered, in epoch ms: its `deadAt` field, else the time in its stream id. */
export function deadAtMs(d: DeadJob): number {
  const at = Number(d.fields.deadAt);
  return Number.isFinite(at) && at > 0 ? at : Number(d.deadId.split('-')[0]);
}

/** The table of `dead list`. */
export function deadTable(entries: readonly DeadJob[], now: number = Date.now()): string[] {
  const rows = entries.map((d) => [
    d.deadId,
    d.fields.id ?? '-',
    d.fields.name ?? '-',
    d.fields.attempts ?? d.fields.attempt ?? '-',
    d.fields.reason ?? '-',
    age(Math.max(0, now - deadAtMs(d))),
    truncate(d.fields.error ?? '', 60),
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

/** The lines of `dead show`: every field aligned, the payload pretty-printed, the stack last. */
export function deadDetail(d: DeadJob): string[] {
  const { data, stack, ...rest } = d.fields;
  const pairs: [string, string][] = [['deadId', d.deadId], ...Object.entries(rest)];
  for (const k of ['enqueuedAt', 'failedAt', 'firstFailedAt', 'deadAt']) {
    const p = pairs.find(([key]) => key === k);
    if (p && /^\d{12,}$/.test(p[1])) p[1] = `${new Date(Number(p[1])).toISOString()} (${p[1]})`;
  }
  const width = Math.max(...pairs.map(([k]) => k.length), 4);
  const lines = pairs.map(([k, v]) => `${escapeControl(k).padEnd(width)}  ${escapeControl(v)}`);
  if (data !== undefined) {
    let pretty = data;
    try {
      pretty = JSON.stringify(JSON.parse(data), null, 2);
    } catch {
      // not JSON: show as stored
    }
    lines.push('data:', ...pretty.split('\n').map((l) => `  ${l}`));
  }
  if (stack) lines.push('stack:', ...stack.split('\n').map((l) => `  ${l}`));
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

/** Move dead-lettered jobs back to the queue's stream (atomically, attempts reset); prints how many. */
export async function deadRedriveCommand(opts: DeadRedriveOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  const ids = opts.ids ?? [];
  if (ids.length && opts.all) throw usageError('give either entry ids or --all, not both');
  if (!ids.length && !opts.all) throw usageError('dead redrive needs entry ids (see sluice dead list) or --all');
  if (opts.limit !== undefined && !opts.all) throw usageError('--limit applies only with --all');
  for (const id of ids) assertEntryId(id);
  const limit = opts.limit === undefined ? undefined : parseCount(opts.limit, '--limit', 1);
  const moved = await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    return s.dead.redrive(opts.queue, ids.length ? { ids } : { all: true, ...(limit === undefined ? {} : { limit }) });
  });
  if (opts.json) io.out(json({ queue: opts.queue, redriven: moved }));
  else io.out(`redrove ${plural(moved, 'job')} to queue ${opts.queue}`);
  if (ids.length > moved)
    io.err(`warning: ${ids.length - moved} of ${ids.length} ids were not in the dead-letter stream`);
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
