/**
 * enqueue-lane: add a job to a lane (keys.ts `Lane`: priority high or low, or a fair group), now or later, once
 * per idempotency key. Jobs of the default lane (priority normal, no group) never come here: they keep the plain
 * XADD (enqueue.ts). The first job of a lane adds it to the queue's `lanes` key (comma-separated names) and writes
 * a `wake` marker into the default stream, so a worker blocked on that stream alone wakes and learns the lane
 * (workers read the key with the pause flag: consumer.ts).
 */
import type { RedisExecutor } from '../connection.js';
import { envelopeFields, type JobEnvelope } from '../job.js';
import type { QueueKeys } from '../keys.js';
import type { EnqueueMode } from './enqueue.js';
import { code } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:wakes,
 * KEYS[4] -> sluice:{<queue>}:index, KEYS[5] -> sluice:{<queue>}:lanes, KEYS[6] -> sluice:{<queue>}:stream:high,
 * KEYS[7] -> sluice:{<queue>}:stream:fair, KEYS[8] -> sluice:{<queue>}:stream:low, KEYS[9] ->
 * sluice:{<queue>}:fair, KEYS[10] -> sluice:{<queue>}:fair:rounds, KEYS[11] -> sluice:{<queue>}:dedup:<key>
 * (only with an idempotency key)
 * ARGV[1] mode 'now' | 'delay' | 'at', ARGV[2] ms, ARGV[3] dedup TTL ms, ARGV[4] job id, ARGV[5] lane,
 * ARGV[6] group key ('' without), ARGV[7..] envelope fields with id, lane and group (flat, at most 20 values)
 * Returns {job id, 0} when written, {first job id, 1} when the key was taken (nothing written).
 * Index entry: `s<entry id>` (a lane stream: getJob finds the entry by its `id` field), `f<round>` (the fair
 * set), `d<due>` (delayed). A grouped job gets round max(cur, the group's last) + 1 (fair-groups decision).
 */
export const enqueueLaneScript = new LuaScript(
  'enqueue-lane',
  luaWith(
    ['now_ms', 'wake_if_first', 'lane_stream'],
    `
if KEYS[11] then
  local prev = redis.call('GET', KEYS[11])
  if prev then return {prev, 1} end
end
local id, lane = ARGV[4], ARGV[5]
local known = redis.call('GET', KEYS[5]) or ''
local wake = false
if not string.find(',' .. known .. ',', ',' .. lane .. ',', 1, true) then
  redis.call('SET', KEYS[5], known == '' and lane or (known .. ',' .. lane))
  wake = true
end
if ARGV[1] == 'now' and lane == 'fair' then
  local g = 'g:' .. ARGV[6]
  local cur = tonumber(redis.call('HGET', KEYS[10], 'cur') or '0')
  local last = tonumber(redis.call('HGET', KEYS[10], g) or '0')
  local r = math.max(cur, last) + 1
  local obj = {}
  for i = 7, #ARGV, 2 do obj[ARGV[i]] = ARGV[i + 1] end
  redis.call('ZADD', KEYS[9], r, cjson.encode(obj))
  redis.call('HSET', KEYS[10], g, r)
  redis.call('HSET', KEYS[4], id, 'f' .. r)
  if redis.call('ZCARD', KEYS[9]) == 1 then wake = true end
elseif ARGV[1] == 'now' then
  redis.call('HSET', KEYS[4], id, 's' .. redis.call('XADD', lane_stream(lane, 6, KEYS[1]), '*', unpack(ARGV, 7)))
else
  local due = tonumber(ARGV[2])
  if ARGV[1] == 'delay' then due = now_ms() + due end
  local obj = {}
  for i = 7, #ARGV, 2 do obj[ARGV[i]] = ARGV[i + 1] end
  local member = cjson.encode(obj)
  redis.call('ZADD', KEYS[2], due, member)
  wake_if_first(KEYS[1], KEYS[2], KEYS[3], member, due)
  redis.call('HSET', KEYS[4], id, 'd' .. due)
end
if wake then
  redis.call('XADD', KEYS[1], '*', 'wake', '0')
  redis.call('INCR', KEYS[3])
end
if KEYS[11] then redis.call('SET', KEYS[11], id, 'PX', ARGV[3]) end
return {id, 0}
`,
  ),
);

/** The lane keys every lane script takes, in order: high, fair, low streams (lua-helpers `lane_stream`). */
export const laneStreams = (keys: QueueKeys): string[] => [
  keys.inLane('high').stream,
  keys.inLane('fair').stream,
  keys.inLane('low').stream,
];

/** Run enqueue-lane for `env` (its `lane` set; `group` for lane fair). Returns the job id and whether deduplicated. */
export async function runEnqueueLane(
  exec: RedisExecutor,
  keys: QueueKeys,
  env: JobEnvelope,
  when: EnqueueMode,
  dedup?: { key: string; ttlMs: number },
): Promise<{ id: string; deduplicated: boolean }> {
  const ks = [
    keys.stream,
    keys.delayed,
    keys.wakes,
    keys.index,
    keys.lanes,
    ...laneStreams(keys),
    keys.fair,
    keys.fairRounds,
    ...(dedup ? [keys.dedup(dedup.key)] : []),
  ];
  const ms = when.mode === 'delay' ? when.ms : when.mode === 'at' ? when.epochMs : 0;
  const args = [
    when.mode,
    String(Math.round(ms)),
    String(Math.round(dedup?.ttlMs ?? 0)),
    env.id,
    env.lane ?? '',
    env.group ?? '',
    ...envelopeFields(env, true),
  ];
  const r = (await enqueueLaneScript.run(exec, ks, args)) as [string, number];
  return { id: String(r[0]), deduplicated: code(r[1]) === 1 };
}
