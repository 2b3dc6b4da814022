/**
 * Operator control of jobs and queues: cancel, delete, run now, retry a dead job by its job id, empty a queue,
 * delete a queue. Each change of one job is one script (scripts/job-control.ts); emptying goes in bounded chunks.
 */
import { forgetQueueCatalogue } from './catalogue.js';
import type { RedisExecutor } from './connection.js';
import { SluiceArgumentError } from './errors.js';
import { assertJobId } from './jobs.js';
import { queueKeyPattern, queueKeys, queuesKey } from './keys.js';
import { queueLanes } from './lanes.js';
import { DEFAULTS } from './options.js';
import { emptyQueueChunk, promoteOne, type RemoveOutcome, redriveDead, removeJob } from './scripts/index.js';
import { queuePresence } from './workers.js';

/**
 * Cancel job `id`: a ready or delayed job never runs (a `cancelled` record is kept for DEFAULTS.cancelledTtl,
 * 24 h); for a running job a cancel request is written for its worker (docs/decisions.md, "Cancel contract").
 */
export const cancelJob = (exec: RedisExecutor, prefix: string, queue: string, id: string): Promise<RemoveOutcome> =>
  remove(exec, prefix, queue, id, 'cancel');

/** Delete job `id` (ready, delayed or dead; a running job is refused: cancel it). Nothing is recorded. */
export const deleteJob = (exec: RedisExecutor, prefix: string, queue: string, id: string): Promise<RemoveOutcome> =>
  remove(exec, prefix, queue, id, 'delete');

async function remove(exec: RedisExecutor, prefix: string, queue: string, id: string, mode: 'cancel' | 'delete') {
  assertJobId(id);
  return removeJob(exec, queueKeys(prefix, queue), id, mode, DEFAULTS.cancelledTtl);
}

/** Run delayed job `id` now (move it onto the stream). */
export async function promoteJob(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  id: string,
): Promise<{ entryId: string } | 'not-found' | 'not-delayed'> {
  assertJobId(id);
  return promoteOne(exec, queueKeys(prefix, queue), id);
}

/** Put dead job `id` back on the stream with attempt 1 (as redrive does by dead entry id). */
export async function retryJob(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  id: string,
): Promise<'moved' | 'not-found' | 'not-dead'> {
  assertJobId(id);
  const k = queueKeys(prefix, queue);
  const at = String((await exec.send(['HGET', k.index, id], k.index)) ?? '');
  if (at === '') return 'not-found';
  if (!at.startsWith('x')) return 'not-dead';
  const [r] = await redriveDead(exec, k, [at.slice(1)]);
  return r === 'moved' ? 'moved' : 'not-found';
}

/**
 * Remove every ready and delayed job of `queue` (running jobs finish), 500 per script call: the default stream,
 * each lane's stream and the grouped jobs waiting in the fair set (lanes.ts; counted as ready). Returns how many.
 */
export async function emptyQueue(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
): Promise<{ ready: number; delayed: number }> {
  const k = queueKeys(prefix, queue);
  const lanes = await queueLanes(exec, k);
  const out = { ready: 0, delayed: 0 };
  for (const lk of [k, ...lanes.map((l) => k.inLane(l))]) {
    let cursor = '';
    for (;;) {
      const r = await emptyQueueChunk(exec, lk, 500, cursor);
      out.ready += r.ready;
      out.delayed += r.delayed;
      cursor = r.cursor;
      if (cursor === '-' && r.delayed < 500) break;
    }
  }
  if (lanes.includes('fair')) {
    for (;;) {
      const r = await emptyQueueChunk(exec, k, 500, '-', k.fair);
      out.ready += r.delayed;
      if (r.delayed < 500) break;
    }
  }
  return out;
}

/** A worker live on a queue (docs/decisions.md, "Live workers"). */
export interface LiveConsumer {
  /** Consumer name. */
  name: string;
  /** Ms since it was last seen (a command on one of its connections, a read or a claim). */
  idleMs: number;
  /** Jobs it holds on this queue. */
  pending: number;
}

/** The workers live on `queue` (workers.ts: their named connections are connected). */
export async function liveConsumers(exec: RedisExecutor, prefix: string, queue: string): Promise<LiveConsumer[]> {
  const p = await queuePresence(exec, prefix, queue);
  return [...p.live].map(([name, idleMs]) => ({ name, idleMs, pending: p.pending.get(name) ?? 0 }));
}

/** Options of deleteQueue. */
export interface DeleteQueueOptions {
  /** Delete even while workers are live on the queue (default false). */
  force?: boolean | undefined;
}

/**
 * Delete `queue` and every key under its hash tag (stream, delayed, dead, index, records, idempotency keys) and
 * drop it from the queue set. Refused (SluiceArgumentError) while workers are live on it, unless `force`.
 * Returns how many keys were deleted.
 */
export async function deleteQueue(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  opts: DeleteQueueOptions = {},
): Promise<number> {
  const k = queueKeys(prefix, queue);
  if (!opts.force) {
    const live = await liveConsumers(exec, prefix, queue);
    if (live.length > 0) {
      throw new SluiceArgumentError(
        `queue "${queue}" has ${live.length} live worker(s) (${live.map((c) => c.name).join(', ')}); stop them or pass force`,
      );
    }
  }
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = (await exec.send(
      ['SCAN', cursor, 'MATCH', queueKeyPattern(prefix, queue), 'COUNT', '500'],
      k.stream,
    )) as [string, string[]];
    cursor = String(next);
    if (keys.length) deleted += Number(await exec.send(['UNLINK', ...keys.map(String)], k.stream));
  } while (cursor !== '0');
  await exec.send(['SREM', queuesKey(prefix), queue], queuesKey(prefix));
  await forgetQueueCatalogue(exec, prefix, queue);
  return deleted;
}
