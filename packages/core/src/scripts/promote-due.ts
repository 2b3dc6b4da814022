/**
 * promote-due: move delayed jobs whose time has come (server TIME) onto the stream, a bounded batch per call.
 * A member that is not a JSON object of strings goes to the dead-letter stream with the reason (never lost).
 */
import type { RedisExecutor } from '../connection.js';
import type { QueueKeys } from '../keys.js';
import { code } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:dead,
 * KEYS[4] -> sluice:{<queue>}:paused
 * ARGV[1] most members to move
 * Returns {moved, ms until the next due member (-1 when none), paused (1/0)}.
 */
export const promoteDueScript = new LuaScript(
  'promote-due',
  luaWith(
    ['now_ms'],
    `
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, m in ipairs(due) do
  local ok, obj = pcall(cjson.decode, m)
  local fields = {}
  if ok and type(obj) == 'table' then
    for k, v in pairs(obj) do
      if type(v) ~= 'string' then ok = false break end
      fields[#fields + 1] = k
      fields[#fields + 1] = v
    end
  else
    ok = false
  end
  if ok and #fields > 0 then
    redis.call('XADD', KEYS[1], '*', unpack(fields))
  else
    redis.call('XADD', KEYS[3], '*', 'reason', 'invalid', 'error', 'malformed delayed job: not a JSON object of strings',
      'data', m, 'deadAt', tostring(now))
  end
  redis.call('ZREM', KEYS[2], m)
end
local nxt = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local wait = -1
if nxt[2] then wait = math.max(0, tonumber(nxt[2]) - now) end
local paused = redis.call('EXISTS', KEYS[4])
return {#due, wait, paused}
`,
  ),
);

/** What one promote-due call did. */
export interface PromoteResult {
  /** Jobs moved onto the stream. */
  moved: number;
  /** Milliseconds until the next delayed job is due, or null when none waits. */
  nextDueInMs: number | null;
  /** Whether the queue is paused. */
  paused: boolean;
}

/** Move up to `limit` due delayed jobs onto the stream (server time). */
export async function promoteDue(exec: RedisExecutor, keys: QueueKeys, limit: number): Promise<PromoteResult> {
  const r = (await promoteDueScript.run(
    exec,
    [keys.stream, keys.delayed, keys.dead, keys.paused],
    [String(limit)],
  )) as unknown[];
  const wait = code(r[1]);
  return { moved: code(r[0]), nextDueInMs: wait < 0 ? null : wait, paused: code(r[2]) === 1 };
}
