/**
 * Shared Lua: the fencing check every finishing, retrying, dead-lettering and renewing script runs first.
 * `fence(stream, group, id, consumer, deliveries)` returns 1 when `consumer` owns the pending entry `id` with
 * exactly `deliveries` deliveries, else -1 (not pending), -2 (another owner), -3 (delivered again).
 * Also `call_chunked(head, ids, tail)` (one command per 500 ids), `now_ms()` (the server's clock) and `wake_if_first(stream, delayed, wakes, member, due)`, which adds a
 * `wake` marker (counted in `wakes`) when `member` became the earliest delayed job.
 */
export default `
local function fence(stream, group, id, consumer, deliveries)
  local p = redis.call('XPENDING', stream, group, id, id, 1)
  local e = p[1]
  if not e then return -1 end
  if e[2] ~= consumer then return -2 end
  if tostring(e[4]) ~= deliveries then return -3 end
  return 1
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- redis.call(head..., ids..., tail) in chunks of 500 ids: unpack() of more than ~8000 values fails in Lua.
local function call_chunked(head, ids, tail)
  for i = 1, #ids, 500 do
    local args = {}
    for _, a in ipairs(head) do args[#args + 1] = a end
    for j = i, math.min(i + 499, #ids) do args[#args + 1] = ids[j] end
    if tail then args[#args + 1] = tail end
    redis.call(unpack(args))
  end
end
local function wake_if_first(stream, delayed, wakes, member, due)
  local first = redis.call('ZRANGE', delayed, 0, 0)
  if first[1] == member then
    redis.call('XADD', stream, '*', 'wake', tostring(due))
    redis.call('INCR', wakes)
  end
end
`;
