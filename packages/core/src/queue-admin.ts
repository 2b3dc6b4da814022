/** Operator actions on a queue: pause/resume and the dead-letter stream (list, show, redrive, purge). */

import { xdel } from './commands/xdel.js';
import { xrange, xrevrange } from './commands/xrange.js';
import type { RedisExecutor } from './connection.js';
import { type DeadJob, decodeDeadEntry } from './dead-entry.js';
import { SluiceArgumentError } from './errors.js';
import { type QueueKeys, queueKeys, queuesKey } from './keys.js';
import { type RedriveOutcome, redriveDead } from './scripts/redrive.js';

/**
 * The message on a queue's cancel channel that says its flags (the paused key, its lanes) changed: its workers
 * read them again at once. Not a job id (those have no white space), so the cancel watcher tells them apart.
 */
export const FLAGS_CHANGED = 'flags changed';

/**
 * Tell the workers of a queue to read its flags again now (one SPUBLISH on its cancel channel, after the write).
 * Never rejects: a server without sharded pub/sub (Redis < 7) refuses it, and workers there read the flags before
 * every read that may block; a lost message costs a worker at most its periodic re-check (worker consumer.ts).
 */
export async function announceFlags(exec: RedisExecutor, k: QueueKeys): Promise<void> {
  await exec.send(['SPUBLISH', k.cancelChannel, FLAGS_CHANGED], k.paused).catch(() => {});
}

/** Stop workers taking new jobs from `queue` (running jobs finish); its workers hear of it at once. */
export async function pauseQueue(exec: RedisExecutor, prefix: string, queue: string): Promise<void> {
  const k = queueKeys(prefix, queue);
  await Promise.all([
    exec.send(['SET', k.paused, '1'], k.paused),
    exec.send(['SADD', queuesKey(prefix), queue], queuesKey(prefix)),
  ]);
  await announceFlags(exec, k);
}

/** Let workers take jobs from `queue` again; its workers hear of it at once. */
export async function resumeQueue(exec: RedisExecutor, prefix: string, queue: string): Promise<void> {
  const k = queueKeys(prefix, queue);
  await exec.send(['DEL', k.paused], k.paused);
  await announceFlags(exec, k);
}

/** The newest `limit` dead-lettered jobs of `queue` (default 20), newest first. */
export async function listDead(exec: RedisExecutor, prefix: string, queue: string, limit = 20): Promise<DeadJob[]> {
  return (await xrevrange(exec, queueKeys(prefix, queue).dead, { count: limit })).map(decodeDeadEntry);
}

/** One dead-lettered job, or null. */
export async function getDead(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  deadId: string,
): Promise<DeadJob | null> {
  const r = await xrange(exec, queueKeys(prefix, queue).dead, { start: deadId, end: deadId });
  return r[0] ? decodeDeadEntry(r[0]) : null;
}

/** A dead entry redrive left where it is, and why. */
export interface NotRedriven {
  /** Its id in the dead-letter stream. */
  deadId: string;
  /** `not-found`: no such entry; `not-a-job`: it has no job id, name or payload (e.g. a `lost` tombstone). */
  why: 'not-found' | 'not-a-job';
  /** The entry's reason, when redrive read it (`--all`). */
  reason?: string | undefined;
}

/** What a redrive did. */
export interface RedriveResult {
  /** Jobs moved back onto the stream. */
  moved: number;
  /** Entries left in the dead-letter stream, with why. */
  notMoved: NotRedriven[];
}

/** What to redrive: these ids, or with `all` every entry there is when it starts (oldest first, at most `limit` moved). */
export interface RedriveSelection {
  /** Dead entry ids. */
  ids?: readonly string[];
  /** Every entry (default false). */
  all?: boolean;
  /** With `all`, move at most this many (default: no limit). */
  limit?: number;
}

/**
 * Move dead-lettered jobs back to the stream (attempts reset): `ids`, or with `all` the entries present when it
 * starts, read once each in id order (so it ends even when entries cannot be moved or jobs die again meanwhile).
 */
export async function redrive(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  sel: RedriveSelection,
): Promise<RedriveResult> {
  const k = queueKeys(prefix, queue);
  const result: RedriveResult = { moved: 0, notMoved: [] };
  const tally = (ids: readonly string[], outcomes: readonly RedriveOutcome[], reasons?: Map<string, string>) => {
    outcomes.forEach((o, i) => {
      const deadId = ids[i] as string;
      if (o === 'moved') result.moved++;
      else result.notMoved.push({ deadId, why: o, ...(reasons?.has(deadId) ? { reason: reasons.get(deadId) } : {}) });
    });
  };
  if (sel.ids?.length) {
    tally(sel.ids, await redriveDead(exec, k, sel.ids));
    return result;
  }
  if (!sel.all) throw new SluiceArgumentError('redrive needs entry ids or all');
  const last = (await xrevrange(exec, k.dead, { count: 1 }))[0];
  let left = sel.limit ?? Number.POSITIVE_INFINITY;
  let start = '-';
  while (last && left > 0) {
    const batch = (await xrange(exec, k.dead, { start, exclusiveStart: start !== '-', end: last.id, count: 500 })).map(
      decodeDeadEntry,
    );
    if (batch.length === 0) break;
    const ids: string[] = [];
    const reasons = new Map<string, string>();
    let jobs = 0;
    for (const d of batch) {
      if (d.redrivable && jobs++ >= left) break;
      ids.push(d.deadId);
      reasons.set(d.deadId, d.reason);
    }
    const before = result.moved;
    tally(ids, await redriveDead(exec, k, ids), reasons);
    left -= result.moved - before;
    start = ids[ids.length - 1] as string;
    if (ids.length < batch.length) break;
  }
  return result;
}

/** Delete dead-lettered jobs (and their index entries), all or those dead-lettered more than `olderThanMs` ago. Returns how many. */
export async function purgeDead(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  olderThanMs?: number,
): Promise<number> {
  const k = queueKeys(prefix, queue);
  let end = '+';
  if (olderThanMs !== undefined) {
    const time = (await exec.send(['TIME'], k.dead)) as [string, string];
    end = String(Math.max(0, Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000) - olderThanMs));
  }
  let removed = 0;
  for (;;) {
    const batch = await xrange(exec, k.dead, { end, count: 500 });
    if (batch.length === 0) return removed;
    // the jobs' index entries first (they point at these dead entries), then the entries
    const jobs = batch.map((e) => e.fields.id).filter((id): id is string => typeof id === 'string' && id !== '');
    if (jobs.length) await exec.send(['HDEL', k.index, ...jobs], k.index);
    removed += await xdel(
      exec,
      k.dead,
      batch.map((e) => e.id),
    );
  }
}
