/** Operator actions on a queue: pause/resume and the dead-letter stream (list, show, redrive, purge). */

import { xdel } from './commands/xdel.js';
import { xrange, xrevrange } from './commands/xrange.js';
import type { RedisExecutor } from './connection.js';
import { type DeadJob, decodeDeadEntry } from './dead-entry.js';
import { SluiceArgumentError } from './errors.js';
import { queueKeys, queuesKey } from './keys.js';
import { redriveDead } from './scripts/index.js';

/** Stop workers taking new jobs from `queue` (running jobs finish). */
export async function pauseQueue(exec: RedisExecutor, prefix: string, queue: string): Promise<void> {
  const k = queueKeys(prefix, queue);
  await Promise.all([
    exec.send(['SET', k.paused, '1'], k.paused),
    exec.send(['SADD', queuesKey(prefix), queue], queuesKey(prefix)),
  ]);
}

/** Let workers take jobs from `queue` again. */
export async function resumeQueue(exec: RedisExecutor, prefix: string, queue: string): Promise<void> {
  const k = queueKeys(prefix, queue);
  await exec.send(['DEL', k.paused], k.paused);
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

/** Move dead-lettered jobs back to the stream (attempts reset). `ids`, or the oldest `limit` when `all`. */
export async function redrive(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  sel: { ids?: readonly string[]; all?: boolean; limit?: number },
): Promise<number> {
  const k = queueKeys(prefix, queue);
  if (sel.ids?.length) return redriveDead(exec, k, sel.ids);
  if (!sel.all) throw new SluiceArgumentError('redrive needs entry ids or all');
  let moved = 0;
  let left = sel.limit ?? Number.POSITIVE_INFINITY;
  while (left > 0) {
    const batch = await xrange(exec, k.dead, { count: Math.min(500, left) });
    if (batch.length === 0) break;
    moved += await redriveDead(
      exec,
      k,
      batch.map((e) => e.id),
    );
    left -= batch.length;
  }
  return moved;
}

/** Delete dead-lettered jobs, all or those dead-lettered more than `olderThanMs` ago. Returns how many. */
export async function purgeDead(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  olderThanMs?: number,
): Promise<number> {
  const k = queueKeys(prefix, queue);
  if (olderThanMs === undefined) return Number(await exec.send(['XTRIM', k.dead, 'MAXLEN', '0'], k.dead));
  const time = (await exec.send(['TIME'], k.dead)) as [string, string];
  const cutoff = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000) - olderThanMs;
  let removed = 0;
  for (;;) {
    const batch = await xrange(exec, k.dead, { end: String(Math.max(0, cutoff)), count: 500 });
    if (batch.length === 0) return removed;
    removed += await xdel(
      exec,
      k.dead,
      batch.map((e) => e.id),
    );
  }
}
