/**
 * remove-job and promote-job: an operator's transitions of one job, found by its id (lua-helpers `job_at`: its
 * entry when the id is an entry id, else the index, keys.ts `index`):
 * cancel (ready or delayed: a `cancelled` record is written first, then the job leaves its place; running: a cancel
 * request is written and published for the worker running it), delete (ready, delayed or dead), and run a delayed job now.
 */
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { laneStreams } from './enqueue-lane.js';
import { code } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:dead,
 * KEYS[4] -> sluice:{<queue>}:index, KEYS[5] -> sluice:{<queue>}:cancels, KEYS[6] -> sluice:{<queue>}:cancelled:<id>,
 * KEYS[7..9] -> sluice:{<queue>}:stream:high, :stream:fair, :stream:low, KEYS[10] -> sluice:{<queue>}:fair
 * (a job in a lane: its entry carries its id; a grouped job waiting for its turn: index `f<round>`)
 * ARGV[1] group, ARGV[2] job id, ARGV[3] 'cancel' | 'delete', ARGV[4] TTL ms of the cancelled record (and of the
 * cancels hash, renewed by each cancel request), ARGV[5] cancel channel, ARGV[6] done channel (sharded pub/sub
 * channels of the queue: the worker running the job, and `waitFor` waiters, are told after the write)
 * Returns {1, state} removed (state: ready, delayed, dead), {2, consumer} cancel requested for a running job,
 * {0} not found, {-1, state} refused (delete of a running job, cancel of a dead one).
 */
export const removeJobScript = new LuaScript(
  'remove-job',
  luaWith(
    ['now_ms', 'delayed_member', 'job_at'],
    `
local at = job_at(KEYS[1], KEYS[4], ARGV[2])
if not at then return {0} end
local kind, ref = string.sub(at, 1, 1), string.sub(at, 2)
local obj, state, st, fair = {}, nil, nil, false
if kind == 's' then
  -- the default stream or a lane's: the entry whose job id (its id field, else its entry id) is this one
  local e
  for _, k in ipairs({KEYS[1], KEYS[7], KEYS[8], KEYS[9]}) do
    local x = redis.call('XRANGE', k, ref, ref)[1]
    if x and (field_of(x[2], 'id') or ref) == ARGV[2] then
      e, st = x, k
      break
    end
  end
  if not e then return {0} end
  local p = redis.pcall('XPENDING', st, ARGV[1], ref, ref, 1)
  p = not p.err and p[1]
  if p and ARGV[3] == 'cancel' then
    redis.call('HSET', KEYS[5], ARGV[2], tostring(now_ms()))
    -- ack clears the request of a job with its own id; one whose id is its entry id leaves it to this TTL
    redis.call('PEXPIRE', KEYS[5], ARGV[4])
    redis.call('SPUBLISH', ARGV[5], ARGV[2])
    return {2, p[2]}
  end
  if p then return {-1, 'running'} end
  for j = 1, #e[2], 2 do obj[e[2][j]] = e[2][j + 1] end
  obj.id = obj.id or ARGV[2]
  state = 'ready'
elseif kind == 'f' then
  local m, o = delayed_member(KEYS[10], ref, ARGV[2])
  if not m then return {0} end
  obj, state, ref, fair = o, 'ready', m, true
elseif kind == 'd' then
  local m, o = delayed_member(KEYS[2], ref, ARGV[2])
  if not m then return {0} end
  obj, state = o, 'delayed'
  ref = m
elseif kind == 'x' then
  if ARGV[3] == 'cancel' then return {-1, 'dead'} end
  if #redis.call('XRANGE', KEYS[3], ref, ref) == 0 then return {0} end
  state = 'dead'
else
  return {0}
end
if ARGV[3] == 'cancel' then
  obj.cancelledAt = tostring(now_ms())
  obj.cancelledFrom = state
  redis.call('SET', KEYS[6], cjson.encode(obj), 'PX', ARGV[4])
end
if fair then redis.call('ZREM', KEYS[10], ref)
elseif state == 'ready' then redis.call('XDEL', st, ref)
elseif state == 'delayed' then redis.call('ZREM', KEYS[2], ref)
else redis.call('XDEL', KEYS[3], ref) end
redis.call('HDEL', KEYS[4], ARGV[2])
if ARGV[3] == 'cancel' then redis.call('SPUBLISH', ARGV[6], ARGV[2]) end
return {1, state}
`,
  ),
);

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:index,
 * KEYS[4..6] -> sluice:{<queue>}:stream:high, :stream:fair, :stream:low (a job with a lane goes to its lane)
 * ARGV[1] job id
 * Returns {1, entry id} moved onto the stream, {0} not found, {-1} not delayed. The stream entry is written first.
 */
export const promoteJobScript = new LuaScript(
  'promote-job',
  luaWith(
    ['delayed_member', 'job_at', 'lane_stream'],
    `
local at = job_at(KEYS[1], KEYS[3], ARGV[1])
if not at then return {0} end
if string.sub(at, 1, 1) ~= 'd' then return {-1} end
local m, obj = delayed_member(KEYS[2], string.sub(at, 2), ARGV[1])
if not m then return {0} end
local fields = {}
for k, v in pairs(obj) do
  if type(v) == 'string' and #fields < 64 then
    fields[#fields + 1] = k
    fields[#fields + 1] = v
  end
end
local id = redis.call('XADD', lane_stream(obj.lane, 4, KEYS[1]), '*', unpack(fields))
redis.call('ZREM', KEYS[2], m)
redis.call('HSET', KEYS[3], ARGV[1], 's' .. id)
return {1, id}
`,
  ),
);

/** What removing a job did. */
export type RemoveOutcome =
  | { done: 'removed'; from: 'ready' | 'delayed' | 'dead' }
  | { done: 'cancel-requested'; consumer: string }
  | { done: 'not-found' }
  | { done: 'refused'; state: 'running' | 'dead' };

/** Cancel (`cancel`) or delete (`delete`) job `id` in one script. */
export async function removeJob(
  exec: RedisExecutor,
  keys: QueueKeys,
  id: string,
  mode: 'cancel' | 'delete',
  cancelledTtlMs: number,
): Promise<RemoveOutcome> {
  const ks = [
    keys.stream,
    keys.delayed,
    keys.dead,
    keys.index,
    keys.cancels,
    keys.cancelled(id),
    ...laneStreams(keys),
    keys.fair,
  ];
  const r = (await removeJobScript.run(exec, ks, [
    GROUP,
    id,
    mode,
    String(cancelledTtlMs),
    keys.cancelChannel,
    keys.doneChannel,
  ])) as unknown[];
  const c = code(r[0]);
  if (c === 1) return { done: 'removed', from: String(r[1]) as 'ready' | 'delayed' | 'dead' };
  if (c === 2) return { done: 'cancel-requested', consumer: String(r[1]) };
  if (c === -1) return { done: 'refused', state: String(r[1]) as 'running' | 'dead' };
  return { done: 'not-found' };
}

/** Move delayed job `id` onto the stream now. Returns its entry id, 'not-found', or 'not-delayed'. */
export async function promoteOne(
  exec: RedisExecutor,
  keys: QueueKeys,
  id: string,
): Promise<{ entryId: string } | 'not-found' | 'not-delayed'> {
  const ks = [keys.stream, keys.delayed, keys.index, ...laneStreams(keys)];
  const r = (await promoteJobScript.run(exec, ks, [id])) as unknown[];
  const c = code(r[0]);
  return c === 1 ? { entryId: String(r[1]) } : c === -1 ? 'not-delayed' : 'not-found';
}
