/**
 * The per-queue Redis facts a worker or driver sets up or checks, each written once: the consumer group (and its
 * stream) exists, the queue is listed in `{prefix}:queues` (for `sluice queue list`), and whether it is paused.
 */
import type { QueueKeys } from '@sluice/core';
import { GROUP, queuesKey, type RedisExecutor, streamCommands } from '@sluice/core/internal';

const { xgroupEnsure } = streamCommands;

/** Create the consumer group of `keys` (and the stream) unless it exists. */
export async function ensureGroup(exec: RedisExecutor, keys: QueueKeys): Promise<void> {
  await xgroupEnsure(exec, keys.stream, GROUP, '0', { mkStream: true });
}

/** List `keys.queue` among the queues of `prefix` (SADD; the CLI lists queues from that set). */
export async function registerQueue(exec: RedisExecutor, prefix: string, keys: QueueKeys): Promise<void> {
  const set = queuesKey(prefix);
  await exec.send(['SADD', set, keys.queue], set);
}

/** True while the queue is paused (`sluice queue pause`): its paused key exists. */
export async function isPaused(exec: RedisExecutor, keys: QueueKeys): Promise<boolean> {
  return Number(await exec.send(['EXISTS', keys.paused], keys.paused)) === 1;
}
