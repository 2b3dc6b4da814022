import { NOW_MS } from './fence.lua.js';

/**
 * promote-due: move delayed jobs whose time has come (server TIME) onto the stream, a bounded batch per call.
 * A member that is not a JSON object of strings goes to the dead-letter stream with the reason (never lost).
 * KEYS[1] stream, KEYS[2] delayed, KEYS[3] dead, KEYS[4] paused
 * ARGV[1] most members to move
 * Returns {moved, ms until the next due member (-1 when none), paused (1/0)}.
 */
export default `${NOW_MS}
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
`;
