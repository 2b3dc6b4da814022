import { NOW_MS, WAKE_IF_FIRST } from './fence.lua.js';

/**
 * enqueue: add a job now or later, once per idempotency key.
 * KEYS[1] stream, KEYS[2] delayed, KEYS[3] wake marker count, KEYS[4] dedup key (optional)
 * ARGV[1] mode: 'now' | 'delay' (ARGV[2] = ms from the server's now) | 'at' (ARGV[2] = epoch ms)
 * ARGV[2] ms, ARGV[3] dedup TTL ms, ARGV[4] job id, ARGV[5..] envelope fields (flat)
 * Returns {job id, 0} when written; {first job id, 1} when the key was already taken (nothing written).
 * A delayed job that becomes the earliest due adds a `wake` marker to the stream so an idle promoter re-plans.
 */
export default `${NOW_MS}${WAKE_IF_FIRST}
if KEYS[4] then
  local prev = redis.call('GET', KEYS[4])
  if prev then return {prev, 1} end
  redis.call('SET', KEYS[4], ARGV[4], 'PX', ARGV[3])
end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
if ARGV[1] == 'now' then
  redis.call('XADD', KEYS[1], '*', unpack(fields))
  return {ARGV[4], 0}
end
local due = tonumber(ARGV[2])
if ARGV[1] == 'delay' then due = now_ms() + due end
local obj = {}
for i = 1, #fields, 2 do obj[fields[i]] = fields[i + 1] end
local member = cjson.encode(obj)
redis.call('ZADD', KEYS[2], due, member)
wake_if_first(KEYS[1], KEYS[2], KEYS[3], member, due)
return {ARGV[4], 0}
`;
