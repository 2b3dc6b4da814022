/**
 * read-lanes: one non-blocking read of a queue that has lanes (keys.ts `Lane`): XREADGROUP of each stream in
 * priority order (high, the default stream, fair, low) until `count` entries are taken, so a read never takes a
 * lower lane's job while a higher lane has one undelivered. At the fair lane it first dispatches up to the
 * missing count of grouped jobs from the fair set (lowest round first: round-robin across groups) onto the fair
 * stream and reads them in the same script, so the fair stream holds no backlog and the consumer group, leases
 * and fencing stay as they are. Bounded: at most `count` entries read and `count` members moved per call.
 */

import type { GroupReadEntry } from '../commands/types.js';
import { xreadgroupReply } from '../commands/xread.js';
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/** Longest text of a malformed fair member kept in its dead entry. */
const MAX_MEMBER_TEXT = 4096;

/**
 * KEYS[1..S] -> the streams to read, in order (sluice:{<queue>}:stream:high, sluice:{<queue>}:stream,
 * sluice:{<queue>}:stream:fair, sluice:{<queue>}:stream:low; only the lanes the queue has),
 * KEYS[S+1] -> sluice:{<queue>}:fair, KEYS[S+2] -> sluice:{<queue>}:fair:rounds, KEYS[S+3] ->
 * sluice:{<queue>}:index, KEYS[S+4] -> sluice:{<queue>}:dead
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] most entries, ARGV[4] position of the fair stream in KEYS (0: none),
 * ARGV[5] S
 * Returns an XREADGROUP reply: {{stream, {{id, fields}, ...}}, ...} for the streams that gave entries.
 * A dispatched member is written to the fair stream (index `s<entry id>`) before it leaves the fair set; one
 * that is not a JSON object of strings goes to the dead-letter stream with the reason. The group's round entry
 * is dropped when its last waiting job leaves; `cur` becomes the highest round dispatched.
 */
export const readLanesScript = new LuaScript(
  'read-lanes',
  luaWith(
    ['now_ms', 'member_fields'],
    `
local S = tonumber(ARGV[5])
local fair_at = tonumber(ARGV[4])
local want = tonumber(ARGV[3])
local zs, rounds, index, dead = KEYS[S + 1], KEYS[S + 2], KEYS[S + 3], KEYS[S + 4]
local function read(key, n)
  local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', n, 'STREAMS', key, '>')
  if r and r[1] then return r[1][2] end
  return {}
end
local function dispatch(stream, n)
  local ms = redis.call('ZRANGE', zs, 0, n - 1, 'WITHSCORES')
  if #ms == 0 then return end
  local cur = tonumber(redis.call('HGET', rounds, 'cur') or '0')
  for i = 1, #ms, 2 do
    local m, r = ms[i], tonumber(ms[i + 1])
    local fields, why, obj = member_fields(m)
    local at
    if fields then
      at = 's' .. redis.call('XADD', stream, '*', unpack(fields))
    else
      at = 'x' .. redis.call('XADD', dead, '*', 'reason', 'invalid', 'error', 'malformed fair job: ' .. why,
        'deadAt', tostring(now_ms()), 'member', string.sub(m, 1, ${MAX_MEMBER_TEXT}))
    end
    if type(obj) == 'table' and type(obj.id) == 'string' then redis.call('HSET', index, obj.id, at) end
    redis.call('ZREM', zs, m)
    if r > cur then cur = r end
    if type(obj) == 'table' and type(obj.group) == 'string' then
      local g = 'g:' .. obj.group
      if tonumber(redis.call('HGET', rounds, g) or '0') <= r then redis.call('HDEL', rounds, g) end
    end
  end
  redis.call('HSET', rounds, 'cur', tostring(cur))
end
local out = {}
for i = 1, S do
  if want <= 0 then break end
  local es = read(KEYS[i], want)
  if i == fair_at and #es < want then
    dispatch(KEYS[i], want - #es)
    for _, e in ipairs(read(KEYS[i], want - #es)) do es[#es + 1] = e end
  end
  if #es > 0 then
    out[#out + 1] = {KEYS[i], es}
    want = want - #es
  end
end
return out
`,
  ),
);

/** What a lanes read took from one stream. */
export interface LaneRead {
  /** The lane's key set (its `stream` is where the entries are). */
  keys: QueueKeys;
  /** The entries, oldest first. */
  entries: GroupReadEntry[];
}

/**
 * Read up to `count` new entries from `order` (key sets of one queue's lanes, highest priority first; see
 * lanes.ts `readOrder`), in one script call. `keys` is the queue's default key set.
 */
export async function readLanes(
  exec: RedisExecutor,
  keys: QueueKeys,
  order: readonly QueueKeys[],
  consumer: string,
  count: number,
): Promise<LaneRead[]> {
  const streams = order.map((k) => k.stream);
  const fairAt = order.findIndex((k) => k.lane === 'fair') + 1;
  const raw = await readLanesScript.run(
    exec,
    [...streams, keys.fair, keys.fairRounds, keys.index, keys.dead],
    [GROUP, consumer, String(count), String(fairAt), String(streams.length)],
  );
  const byStream = new Map(order.map((k) => [k.stream, k]));
  return xreadgroupReply(raw, streams).map((r) => ({
    keys: byStream.get(r.stream) as QueueKeys,
    entries: r.entries,
  }));
}
