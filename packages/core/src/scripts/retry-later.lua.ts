import { FENCE, NOW_MS, WAKE_IF_FIRST } from './fence.lua.js';

/**
 * retry-later: put a failed job back for a later attempt (fenced): XACK + XDEL + ZADD delayed at the server's
 * TIME + delay; with delay 0 it goes straight back onto the stream (shutdown hands jobs back this way).
 * KEYS[1] stream, KEYS[2] delayed, KEYS[3] wake marker count
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] deliveries, ARGV[5] delay ms,
 * ARGV[6..] the next attempt's envelope fields (flat)
 * Returns {1, due epoch ms} done, or {LeaseLost code}.
 */
export default `${FENCE}${NOW_MS}${WAKE_IF_FIRST}
local ok = fence(KEYS[1], ARGV[1], ARGV[3], ARGV[2], ARGV[4])
if ok ~= 1 then return {ok} end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
local delay = tonumber(ARGV[5])
local now = now_ms()
if delay <= 0 then
  local fields = {}
  for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('XADD', KEYS[1], '*', unpack(fields))
  return {1, now}
end
local obj = {}
for i = 6, #ARGV, 2 do obj[ARGV[i]] = ARGV[i + 1] end
local member = cjson.encode(obj)
local due = now + delay
redis.call('ZADD', KEYS[2], due, member)
wake_if_first(KEYS[1], KEYS[2], KEYS[3], member, due)
return {1, due}
`;
