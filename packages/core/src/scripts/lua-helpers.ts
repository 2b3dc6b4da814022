/**
 * The Lua helpers scripts share, each defined once and included by name ({@link luaWith}): a script carries only
 * the helpers it calls and their dependencies, each once, dependencies first (every script body stays in Redis's
 * script cache, so size counts). The fence helpers take one argument order: stream, group, consumer, then the
 * entry id(s) and the delivery count(s) the caller was handed.
 */
import { fc_member, fc_release, fc_wake, lane_stream, member_fields } from './lua-helpers-flow.js';

/** `now_ms()`: the server's clock in ms. */
const now_ms = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/** `call_chunked(head, ids, tail)`: redis.call(head..., ids..., tail) in chunks of 500 ids. */
const call_chunked = `
-- unpack() of more than ~8000 values fails in Lua, so never one command for an unbounded list.
local function call_chunked(head, ids, tail)
  for i = 1, #ids, 500 do
    local args = {}
    for _, a in ipairs(head) do args[#args + 1] = a end
    for j = i, math.min(i + 499, #ids) do args[#args + 1] = ids[j] end
    if tail then args[#args + 1] = tail end
    redis.call(unpack(args))
  end
end
`;

/** `wake_if_first(stream, delayed, wakes, member, due)`: a `wake` marker (counted in `wakes`) for a new earliest delayed job. */
const wake_if_first = `
local function wake_if_first(stream, delayed, wakes, member, due)
  local first = redis.call('ZRANGE', delayed, 0, 0)
  if first[1] == member then
    redis.call('XADD', stream, '*', 'wake', tostring(due))
    redis.call('INCR', wakes)
  end
end
`;

/**
 * `fence(stream, group, consumer, id, deliveries)`: 1 when `consumer` owns the pending entry `id` with exactly
 * `deliveries` deliveries, else -1 (not pending), -2 (another owner), -3 (delivered again). DESIGN.md, "Fencing".
 */
const fence = `
local function fence(stream, group, consumer, id, deliveries)
  local p = redis.call('XPENDING', stream, group, id, id, 1)
  local e = p[1]
  if not e then return -1 end
  if e[2] ~= consumer then return -2 end
  if tostring(e[4]) ~= deliveries then return -3 end
  return 1
end
`;

/**
 * `fence_many(stream, group, consumer, lo, hi, at, dat, stride, n[, counts])`: the fence code of each of `n`
 * deliveries (always exactly what fence gives) and how many got 1. Delivery i's entry id is `ARGV[at + (i-1)*stride]`
 * and the delivery count its caller was handed `ARGV[dat + (i-1)*stride]`, or `counts[i]` when the table `counts`
 * is given (counts_of; read in place: no table of ids is built). One
 * `XPENDING stream group lo hi count consumer`: `lo` and `hi` are the batch's smallest and largest entry id, which
 * the caller computes (fenced.ts `idRange`; '' = no range). The range only chooses what that reply lists: an id it
 * does not list (not pending, another owner, out of the range, or cut off by the count) gets fence itself, so a
 * wrong range costs commands, never a wrong code.
 */
const fence_many = `
local function fence_many(stream, group, consumer, lo, hi, at, dat, stride, n, counts)
  local out, done = {}, 0
  if n == 1 then
    out[1] = fence(stream, group, consumer, ARGV[at], counts and (counts[1] or '') or ARGV[dat])
    return out, out[1] == 1 and 1 or 0
  end
  -- this consumer's pending entries in [lo, hi]: delivery count by entry id
  local mine, text = {}, {}
  if lo ~= '' then
    local rows = redis.call('XPENDING', stream, group, lo, hi, 2 * n + 16, consumer)
    for _, e in ipairs(rows) do
      if e[2] == consumer then mine[e[1]] = e[4] end
    end
  end
  for i = 1, n do
    local id = ARGV[at + (i - 1) * stride]
    local want = counts and (counts[i] or '') or ARGV[dat + (i - 1) * stride]
    local c = mine[id]
    if c == nil then
      -- not listed: not pending, another owner, or cut off by the count
      c = fence(stream, group, consumer, id, want)
    else
      -- the same test as fence's: the delivery count as text against the one the caller was handed
      local t = text[c]
      if not t then
        t = tostring(c)
        text[c] = t
      end
      c = t == want and 1 or -3
    end
    out[i] = c
    if c == 1 then done = done + 1 end
  end
  return out, done
end
`;

/**
 * `counts_of(s, n)`: the `n` delivery counts of a batch sent as one value (fenced.ts encodeCounts): '' is n times
 * '1', else the counts joined by ','.
 */
const counts_of = `
local function counts_of(s, n)
  local t = {}
  if s == '' then
    for i = 1, n do t[i] = '1' end
  else
    for c in string.gmatch(s, '[^,]+') do t[#t + 1] = c end
  end
  return t
end
`;

/** `call_argv(cmd, key, extra, from, to)`: redis.call(cmd, key[, extra], ARGV[from..to]) in chunks of 500 values. */
const call_argv = `
local function call_argv(cmd, key, extra, from, to)
  for i = from, to, 500 do
    local j = math.min(i + 499, to)
    if extra then redis.call(cmd, key, extra, unpack(ARGV, i, j)) else redis.call(cmd, key, unpack(ARGV, i, j)) end
  end
end
`;

/** `field_of(list, name)`: the value of field `name` in a flat field list (a stream entry's), or nil. */
const field_of = `
local function field_of(f, name)
  for j = 1, #f, 2 do
    if f[j] == name then return f[j + 1] end
  end
end
`;

/**
 * `delayed_member(delayed, due, id)`: the member of job `id` among the delayed members due at `due` (the index
 * value), and its decoded object; nil when none. A plain find first, so only a likely member is decoded.
 */
const delayed_member = `
local function delayed_member(delayed, due, id)
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', delayed, due, due)) do
    if string.find(m, id, 1, true) then
      local ok, obj = pcall(cjson.decode, m)
      if ok and type(obj) == 'table' and obj.id == id then return m, obj end
    end
  end
end
`;

/**
 * `job_at(stream, index, id)`: where job `id` is, as an index value (`s<entry id>`, `d<due>`, `x<dead id>`) or
 * nil. A job added straight to the stream has its entry id as id and no index entry: an id of the form
 * `<ms>-<seq>` naming an entry without an `id` field (and not a `wake` marker) is that job; else the index.
 */
const job_at = `
local function job_at(stream, index, id)
  if string.match(id, '^%d+%-%d+$') then
    local e = redis.call('XRANGE', stream, id, id)[1]
    if e and not field_of(e[2], 'id') and not field_of(e[2], 'wake') then return 's' .. id end
  end
  return redis.call('HGET', index, id)
end
`;

/**
 * `count_history(key, kind, n[, minute])`: add `n` to the `kind` count ('c' completed, 'f' failed) of the current
 * minute (default: by the server's TIME) and of the current quarter hour in the history hash: rings of 60 minute
 * slots and 96 quarter slots (fields `m<t|c|f><slot>`, `q<t|c|f><slot>`; `t` holds the minute or quarter a slot
 * counts, and a slot of an older one is reset before use), so the hash never holds more than 468 fields.
 * history.ts reads it.
 */
const count_history = `
local function count_history(key, kind, n, minute)
  if n <= 0 then return end
  minute = minute or math.floor(tonumber(redis.call('TIME')[1]) / 60)
  local quarter = math.floor(minute / 15)
  for _, r in ipairs({{'m', minute, minute % 60}, {'q', quarter, quarter % 96}}) do
    local p, stamp, slot = r[1], tostring(r[2]), tostring(r[3])
    if redis.call('HGET', key, p .. 't' .. slot) ~= stamp then
      redis.call('HSET', key, p .. 't' .. slot, stamp, p .. 'c' .. slot, '0', p .. 'f' .. slot, '0')
    end
    redis.call('HINCRBY', key, p .. kind .. slot, n)
  end
end
`;

/**
 * `count_history_now(key, now, kind, n)`: count_history with the minute marker `now` (keys.ts `historyNow`): while
 * it exists it holds the current minute and both slots are stamped for it, so the count is two HINCRBYs (no TIME,
 * no stamp reads); else count_history by TIME, then the marker is set to expire at the minute's end (from the
 * script's start time, so never after it: a count never lands in a minute that is over).
 */
const count_history_now = `
local function count_history_now(key, now, kind, n)
  if n <= 0 then return end
  local m = redis.call('GET', now)
  if m then
    local minute = tonumber(m)
    redis.call('HINCRBY', key, 'm' .. kind .. tostring(minute % 60), n)
    redis.call('HINCRBY', key, 'q' .. kind .. tostring(math.floor(minute / 15) % 96), n)
    return
  end
  local t = redis.call('TIME')
  local sec = tonumber(t[1])
  local minute = math.floor(sec / 60)
  count_history(key, kind, n, minute)
  local left = (60 - sec % 60) * 1000 - math.floor(tonumber(t[2]) / 1000)
  if left > 0 then redis.call('SET', now, tostring(minute), 'PX', left) end
end
`;

/**
 * `keep_record(kept, zset, tag, id, now, spec)`: after the caller HSET the record `tag..id` in `kept`, add `id` to
 * the outcome's sorted set at `now` and trim it by `spec` ("count:ageMs"): at most 100 members older than the age
 * and 100 over the count go per call (each finish adds one, so the set converges), with their records. Both keys
 * expire `age` after the last write, so a queue that stops finishing jobs drops its kept jobs by itself.
 */
const keep_record = `
local function keep_record(kept, zset, tag, id, now, spec)
  local sep = string.find(spec, ':', 1, true)
  local count, age = tonumber(string.sub(spec, 1, sep - 1)), tonumber(string.sub(spec, sep + 1))
  redis.call('ZADD', zset, now, id)
  local old = redis.call('ZRANGEBYSCORE', zset, '-inf', '(' .. tostring(now - age), 'LIMIT', 0, 100)
  local over = redis.call('ZCARD', zset) - count
  if over > 0 then
    for _, m in ipairs(redis.call('ZRANGE', zset, 0, math.min(over, 100) - 1)) do old[#old + 1] = m end
  end
  if #old > 0 then
    local fields = {}
    for i, m in ipairs(old) do fields[i] = tag .. m end
    redis.call('HDEL', kept, unpack(fields))
    redis.call('ZREM', zset, unpack(old))
  end
  redis.call('PEXPIRE', zset, age)
  if redis.call('PTTL', kept) < age then redis.call('PEXPIRE', kept, age) end
end
`;

const HELPERS = {
  now_ms: { src: now_ms, uses: [] },
  field_of: { src: field_of, uses: [] },
  delayed_member: { src: delayed_member, uses: [] },
  job_at: { src: job_at, uses: ['field_of'] },
  call_chunked: { src: call_chunked, uses: [] },
  count_history: { src: count_history, uses: [] },
  count_history_now: { src: count_history_now, uses: ['count_history'] },
  wake_if_first: { src: wake_if_first, uses: [] },
  fence: { src: fence, uses: [] },
  fence_many: { src: fence_many, uses: ['fence'] },
  counts_of: { src: counts_of, uses: [] },
  call_argv: { src: call_argv, uses: [] },
  keep_record: { src: keep_record, uses: [] },
  lane_stream: { src: lane_stream, uses: [] },
  member_fields: { src: member_fields, uses: [] },
  fc_member: { src: fc_member, uses: [] },
  fc_wake: { src: fc_wake, uses: ['lane_stream', 'fc_member'] },
  fc_release: { src: fc_release, uses: ['now_ms', 'fc_member', 'fc_wake'] },
} as const satisfies Record<string, { src: string; uses: readonly string[] }>;

/** Name of a shared Lua helper. */
export type LuaHelper = keyof typeof HELPERS;

/** Every helper name (for tests). */
export const LUA_HELPERS = Object.keys(HELPERS) as LuaHelper[];

/** `body` preceded by the named helpers and what they call, each once, every helper after the ones it calls. */
export function luaWith(uses: readonly LuaHelper[], body: string): string {
  const seen = new Set<LuaHelper>();
  const parts: string[] = [];
  const add = (name: LuaHelper): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of HELPERS[name].uses as readonly LuaHelper[]) add(dep);
    parts.push(HELPERS[name].src);
  };
  for (const name of uses) add(name);
  return parts.join('') + body;
}

/** A Lua table literal of the strings `names` (names from our own constants: no quoting needed). */
export const luaStrings = (names: readonly string[]): string => `{${names.map((n) => `'${n}'`).join(', ')}}`;
