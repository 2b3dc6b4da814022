/**
 * cancel-run: record the end of a running job an operator cancelled (fenced): the `cancelled` record is written
 * first (the new place), then the job's index entry, cancel request and progress go, then XACK + XDEL of its
 * entry; waiters (`waitFor`) are told on the queue's done channel. Never retried, never dead-lettered.
 */
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code, type Delivery, type Fenced, landed, lost } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:index, KEYS[3] -> sluice:{<queue>}:cancels,
 * KEYS[4] -> sluice:{<queue>}:cancelled:<id>, KEYS[5] -> sluice:{<queue>}:progress
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] deliveries, ARGV[5] job id, ARGV[6] TTL ms of the
 * record, ARGV[7] done channel (sharded pub/sub, same hash tag), ARGV[8..] the entry's fields (flat, bounded)
 * Returns {1} done, or {LeaseLost code}.
 */
export const cancelRunScript = new LuaScript(
  'cancel-run',
  luaWith(
    ['fence', 'now_ms'],
    `
local ok = fence(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if ok ~= 1 then return {ok} end
local obj = {}
for i = 8, #ARGV - 1, 2 do obj[ARGV[i]] = ARGV[i + 1] end
obj.id = ARGV[5]
obj.cancelledAt = tostring(now_ms())
obj.cancelledFrom = 'running'
redis.call('SET', KEYS[4], cjson.encode(obj), 'PX', ARGV[6])
redis.call('HDEL', KEYS[2], ARGV[5])
redis.call('HDEL', KEYS[3], ARGV[5])
redis.call('HDEL', KEYS[5], ARGV[5])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
redis.call('SPUBLISH', ARGV[7], ARGV[5])
return {1}
`,
  ),
);

/** Fields of a stream entry kept in the cancelled record: the envelope's, at most 32 (an entry has about 8). */
function boundedFields(fields: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (out.length >= 64) break;
    out.push(k, v);
  }
  return out;
}

/**
 * Record running job `jobId` (delivery `d`, entry `fields`) as cancelled and take it off the stream. Fenced.
 * `retried` (default false): this call repeats one whose reply was lost, so "not pending" counts as done.
 */
export async function cancelRun(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  jobId: string,
  fields: Record<string, string>,
  ttlMs: number,
  retried = false,
): Promise<Fenced> {
  const ks = [keys.stream, keys.index, keys.cancels, keys.cancelled(jobId), keys.progress];
  const args = [GROUP, consumer, d.entryId, String(d.deliveries), jobId, String(ttlMs), keys.doneChannel];
  const r = (await cancelRunScript.run(exec, ks, [...args, ...boundedFields(fields)])) as unknown[];
  return landed(code(r[0]), retried) ? { ok: true } : lost(code(r[0]));
}

/** For each of `jobIds`: true when a cancel request for it is waiting in the queue's cancels hash (one HMGET). */
export async function cancelRequested(
  exec: RedisExecutor,
  keys: QueueKeys,
  jobIds: readonly string[],
): Promise<boolean[]> {
  if (jobIds.length === 0) return [];
  const r = (await exec.send(['HMGET', keys.cancels, ...jobIds], keys.cancels)) as unknown[];
  return jobIds.map((_, i) => r[i] !== null && r[i] !== undefined);
}
