/**
 * promote-due: move delayed jobs whose time has come (server TIME) onto the stream, a bounded batch per call.
 * A member that cannot be promoted goes to the dead-letter stream with the reason (never lost, never blocking).
 */
import type { RedisExecutor } from '../connection.js';
import { JOB_FIELDS, MAX_MEMBER_BYTES } from '../dead-entry.js';
import type { QueueKeys } from '../keys.js';
import { laneStreams } from './enqueue-lane.js';
import { code } from './fenced.js';
import { luaStrings, luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/** Most fields a delayed member may have (a job has at most 8); a member with more is dead-lettered. */
export const MAX_MEMBER_FIELDS = 64;

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:dead,
 * KEYS[4] -> sluice:{<queue>}:paused, KEYS[5] -> sluice:{<queue>}:index, KEYS[6..8] ->
 * sluice:{<queue>}:stream:high, sluice:{<queue>}:stream:fair, sluice:{<queue>}:stream:low (a member with a
 * `lane` field goes back to its lane's stream)
 * ARGV[1] most members to move
 * Returns {members taken off the delayed set, ms until the next due member (-1 when none), paused (1/0),
 * members dead-lettered}.
 * A member that cannot be promoted (not a JSON object of strings, or more than MAX_MEMBER_FIELDS fields: more
 * than unpack() could take) is dead-lettered with the reason, its job fields (dead-entry.ts) and its text cut
 * to MAX_MEMBER_BYTES, and the others move on. Each member is written to its new place before it is removed; the
 * index entry of its job id follows it.
 */
export const promoteDueScript = new LuaScript(
  'promote-due',
  luaWith(
    ['now_ms', 'lane_stream'],
    `
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local dead = 0
for _, m in ipairs(due) do
  local ok, obj = pcall(cjson.decode, m)
  local fields, n, why = {}, 0, nil
  if ok and type(obj) == 'table' then
    for k, v in pairs(obj) do
      n = n + 1
      if type(v) ~= 'string' then why = 'not a JSON object of strings' break end
      if n <= ${MAX_MEMBER_FIELDS} then
        fields[#fields + 1] = k
        fields[#fields + 1] = v
      end
    end
    if n == 0 then why = 'not a JSON object of strings' end
    if not why and n > ${MAX_MEMBER_FIELDS} then why = n .. ' fields, more than ${MAX_MEMBER_FIELDS}' end
  else
    why = 'not a JSON object of strings'
  end
  local at
  if not why then
    at = 's' .. redis.call('XADD', lane_stream(obj.lane, 6, KEYS[1]), '*', unpack(fields))
  else
    local d = {'reason', 'invalid', 'error', 'malformed delayed job: ' .. why, 'deadAt', tostring(now)}
    if type(obj) == 'table' then
      for _, k in ipairs(${luaStrings(JOB_FIELDS)}) do
        if type(obj[k]) == 'string' then
          d[#d + 1] = k
          d[#d + 1] = obj[k]
        end
      end
    end
    d[#d + 1] = 'member'
    d[#d + 1] = string.sub(m, 1, ${MAX_MEMBER_BYTES})
    if #m > ${MAX_MEMBER_BYTES} then
      d[#d + 1] = 'truncated'
      d[#d + 1] = 'member cut to ${MAX_MEMBER_BYTES} of ' .. #m .. ' bytes'
    end
    at = 'x' .. redis.call('XADD', KEYS[3], '*', unpack(d))
    dead = dead + 1
  end
  if type(obj) == 'table' and type(obj.id) == 'string' then redis.call('HSET', KEYS[5], obj.id, at) end
  redis.call('ZREM', KEYS[2], m)
end
local nxt = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local wait = -1
if nxt[2] then wait = math.max(0, tonumber(nxt[2]) - now) end
local paused = redis.call('EXISTS', KEYS[4])
return {#due, wait, paused, dead}
`,
  ),
);

/** What one promote-due call did. */
export interface PromoteResult {
  /** Members taken off the delayed set: moved onto the stream, or dead-lettered. */
  moved: number;
  /** Of those, members dead-lettered because they could not be promoted. */
  deadLettered: number;
  /** Milliseconds until the next delayed job is due, or null when none waits. */
  nextDueInMs: number | null;
  /** Whether the queue is paused. */
  paused: boolean;
}

/** Move up to `limit` due delayed jobs onto the stream (server time). */
export async function promoteDue(exec: RedisExecutor, keys: QueueKeys, limit: number): Promise<PromoteResult> {
  const r = (await promoteDueScript.run(
    exec,
    [keys.stream, keys.delayed, keys.dead, keys.paused, keys.index, ...laneStreams(keys)],
    [String(limit)],
  )) as unknown[];
  const wait = code(r[1]);
  return {
    moved: code(r[0]),
    deadLettered: code(r[3]),
    nextDueInMs: wait < 0 ? null : wait,
    paused: code(r[2]) === 1,
  };
}
