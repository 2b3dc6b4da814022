/**
 * The shared Lua helpers of flow control and lanes (docs/flow-control.md), included by name through lua-helpers.ts
 * `luaWith` like every other helper: `lane_stream`, `member_fields`, `fc_member` (with `fc_entry`, `fc_rank`),
 * `fc_wake`, `fc_release`.
 */

/**
 * `lane_stream(lane, base, default)`: the stream key of a lane (keys.ts `Lane`) among KEYS: KEYS[base] high,
 * KEYS[base + 1] fair, KEYS[base + 2] low; `default` for any other value (the default stream, priority normal).
 */
export const lane_stream = `
local function lane_stream(lane, base, default)
  if lane == 'high' then return KEYS[base] end
  if lane == 'fair' then return KEYS[base + 1] end
  if lane == 'low' then return KEYS[base + 2] end
  return default
end
`;

/**
 * `member_fields(m)`: the flat field list of a JSON member (delayed or fair set) and its decoded object, or nil
 * and the reason when it is not a JSON object of at most 64 string fields (more than unpack() could take).
 */
export const member_fields = `
local function member_fields(m)
  local ok, obj = pcall(cjson.decode, m)
  if not ok or type(obj) ~= 'table' then return nil, 'not a JSON object of strings' end
  local fields, n = {}, 0
  for k, v in pairs(obj) do
    n = n + 1
    if type(v) ~= 'string' then return nil, 'not a JSON object of strings', obj end
    fields[#fields + 1] = k
    fields[#fields + 1] = v
  end
  if n == 0 then return nil, 'not a JSON object of strings', obj end
  if n > 64 then return nil, n .. ' fields, more than 64', obj end
  return fields, nil, obj
end
`;

/**
 * `fc_member(stream, s, id)`: the slot member of entry `id` of `stream` (docs/flow-control.md, "Combining"): the
 * lane streams are KEYS[s] (default), KEYS[s + 1] high, KEYS[s + 2] fair, KEYS[s + 3] low; an entry of a lane is
 * `h:`/`f:`/`l:` + its id (auto ids of different streams can be equal), one of the default stream its bare id.
 * `fc_entry(m, s)`: the stream and entry id of slot member `m`. `fc_rank(stream, s, now)`: a waiter's score in a
 * waiting set: high waiters first, then default and fair, then low, oldest first within each (now + rank * 2^42).
 */
export const fc_member = `
local FC_PRE = {'h:', 'f:', 'l:'}
local function fc_member(stream, s, id)
  for i = 1, 3 do
    if stream == KEYS[s + i] then return FC_PRE[i] .. id end
  end
  return id
end
local function fc_entry(m, s)
  local p = string.sub(m, 1, 2)
  for i = 1, 3 do
    if p == FC_PRE[i] then return KEYS[s + i], string.sub(m, 3) end
  end
  return KEYS[s], m
end
local function fc_rank(stream, s, now)
  if stream == KEYS[s + 1] then return now end
  if stream == KEYS[s + 3] then return now + 2 * 4398046511104 end
  return now + 4398046511104
end
`;

/**
 * `fc_wake(s, delayed, index, slots, waiting, now)`: hand the slot just freed in `slots` to the first job
 * waiting in `waiting` (docs/flow-control.md): its parked member leaves the delayed set for a new entry of its own
 * lane's stream (KEYS[s..s+3]: default, high, fair, low; `fc_member`), which holds the slot until it runs and
 * finishes. A waiter no longer in the delayed set (its fallback promotion, a cancel) is dropped; at most 8 are
 * looked at.
 */
export const fc_wake = `
local function fc_wake(s, delayed, index, slots, waiting, now)
  for _ = 1, 8 do
    local m = redis.call('ZPOPMIN', waiting)[1]
    if not m then return end
    if redis.call('ZSCORE', delayed, m) then
      local obj = cjson.decode(m)
      local f = {}
      for k, v in pairs(obj) do
        f[#f + 1] = k
        f[#f + 1] = v
      end
      local stream = lane_stream(obj.lane, s + 1, KEYS[s])
      local id = redis.call('XADD', stream, '*', unpack(f))
      redis.call('ZADD', slots, now, fc_member(stream, s, id))
      redis.call('HSET', index, obj.id, 's' .. id)
      redis.call('ZREM', delayed, m)
      return
    end
  end
end
`;

/**
 * `fc_release(stream, index, from, entry)`: give back the concurrency slots of `entry` of `stream`: KEYS[from] is
 * the delayed set, KEYS[from + 1..from + 4] the lane streams (`fc_member`), then (slots, waiting) pairs to the end
 * of KEYS; each slot the entry held goes to its first waiter.
 */
export const fc_release = `
local function fc_release(stream, index, from, entry)
  local now
  local member = fc_member(stream, from + 1, entry)
  for i = from + 5, #KEYS, 2 do
    if redis.call('ZREM', KEYS[i], member) == 1 then
      now = now or now_ms()
      fc_wake(from + 1, KEYS[from], index, KEYS[i], KEYS[i + 1], now)
    end
  end
end
`;

/** Every helper: its source and the helpers it calls. */
