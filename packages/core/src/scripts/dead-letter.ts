/**
 * dead-letter: move a job that cannot or may not run again to the dead-letter stream (fenced):
 * XADD dead with the reason, stamped with the server's time, then XACK + XDEL (the new place is written first:
 * a script that fails half-way must leave the job where it was, since Redis keeps the writes made before an error).
 */
import type { RedisExecutor } from '../connection.js';
import { type DeadLetter, deadEntryFields } from '../dead-entry.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code, type Delivery, type Fenced, landed, lost, releaseKeys } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:dead, KEYS[3] -> sluice:{<queue>}:index,
 * KEYS[4] -> sluice:{<queue>}:cancels, KEYS[5] -> sluice:{<queue>}:history (a failed attempt is counted there),
 * KEYS[6] -> sluice:{<queue>}:progress, KEYS[7] -> sluice:{<queue>}:kept, KEYS[8] -> sluice:{<queue>}:kept:failed;
 * with concurrency slots to release (docs/flow-control.md) KEYS[9] -> sluice:{<queue>}:delayed, then the four
 * lane streams (fenced.ts laneStreamKeys), then (slots, waiting) key pairs
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] deliveries, ARGV[5] retention limits of failed jobs
 * ("count:ageMs", '' = not kept), ARGV[6] done channel, ARGV[7..] dead entry fields (flat, bounded: deadEntryFields)
 * Returns {1, dead entry id} done, or {LeaseLost code}. The job's index entry (its `id` field, or else the entry
 * id, which is then written as the dead entry's `id`) points at the dead entry. A kept failed job's record (the
 * dead entry's fields) goes to the kept hash (lua-helpers `keep_record`); the job id is published on the done
 * channel either way (`waitFor` rejects with the final error).
 */
export const deadLetterScript = new LuaScript(
  'dead-letter',
  luaWith(
    ['fence', 'now_ms', 'count_history', 'keep_record', 'fc_release'],
    `
local ok = fence(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if ok ~= 1 then return {ok} end
local fields, job = {}, nil
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
for i = 7, #ARGV - 1, 2 do
  if ARGV[i] == 'id' then job = ARGV[i + 1] end
end
-- a job added straight to the stream has no id field: its entry id is its id, and goes with it
if not job then
  job = ARGV[3]
  fields[#fields + 1] = 'id'
  fields[#fields + 1] = job
end
local now = now_ms()
fields[#fields + 1] = 'deadAt'
fields[#fields + 1] = tostring(now)
fields[#fields + 1] = 'entryId'
fields[#fields + 1] = ARGV[3]
local deadId = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('HSET', KEYS[3], job, 'x' .. deadId)
if ARGV[5] ~= '' then
  local rec = {}
  for i = 1, #fields - 1, 2 do rec[fields[i]] = fields[i + 1] end
  rec.deadId = deadId
  rec.finishedAt = tostring(now)
  redis.call('HSET', KEYS[7], 'f' .. job, cjson.encode(rec))
  keep_record(KEYS[7], KEYS[8], 'f', job, now, ARGV[5])
end
redis.call('HDEL', KEYS[4], job)
redis.call('HDEL', KEYS[6], job)
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
count_history(KEYS[5], 'f', 1)
if KEYS[9] then fc_release(KEYS[1], KEYS[3], 9, ARGV[3]) end
redis.call('SPUBLISH', ARGV[6], job)
return {1, deadId}
`,
  ),
);

/**
 * Move a job to the dead-letter stream with its reason. Fenced. `retried` (default false): this call repeats one
 * whose reply was lost, so "not pending" counts as done (with `deadId` unknown). `keep` (default none): retention
 * limits of failed jobs; the job's record is then kept too.
 */
export async function deadLetter(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  dl: DeadLetter,
): Promise<Fenced<{ deadId: string }>>;
export async function deadLetter(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  dl: DeadLetter,
  retried: boolean,
  keep?: { count: number; age: number },
): Promise<Fenced<{ deadId: string | undefined }>>;
export async function deadLetter(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  dl: DeadLetter,
  retried = false,
  keep?: { count: number; age: number },
): Promise<Fenced<{ deadId: string | undefined }>> {
  const limits = keep ? `${keep.count}:${keep.age}` : '';
  const args = [GROUP, consumer, d.entryId, String(d.deliveries), limits, keys.doneChannel, ...deadEntryFields(dl)];
  const ks = [
    keys.stream,
    keys.dead,
    keys.index,
    keys.cancels,
    keys.history,
    keys.progress,
    keys.kept,
    keys.keptBy('failed'),
    ...releaseKeys(keys, d),
  ];
  const r = (await deadLetterScript.run(exec, ks, args)) as unknown[];
  if (code(r[0]) === 1) return { ok: true, deadId: String(r[1]) };
  return landed(code(r[0]), retried) ? { ok: true, deadId: undefined } : lost(code(r[0]));
}
