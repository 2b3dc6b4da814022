/**
 * claim-lanes: the reclaimer's XAUTOCLAIM (the first of a sweep on every stream of a queue with lanes (core
 * lanes.ts) in one call, or the next from a cursor on one stream), marking the previous owners. One call per sweep
 * however many lanes a queue has (an idle worker's budget); the reclaimer goes on stream by stream only where a
 * cursor is left.
 */
import { arr, str } from '../commands/reply.js';
import { type AutoClaimResult, xautoclaimReply } from '../commands/xautoclaim.js';
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1..n] -> the streams of one queue (sluice:{<queue>}:stream, sluice:{<queue>}:stream:high, ...), then
 * KEYS[n + 1] -> sluice:{<queue>}:stolen (taken off KEYS first)
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] min idle ms, ARGV[4] most entries per stream, ARGV[5] start cursor
 * Returns per stream, in KEYS order, the XAUTOCLAIM reply and the delivery count each claimed entry has after the
 * claim ({next cursor, entries, deleted ids, {id, count, id, count, ...}}): the count the owners' listing read plus
 * the one XAUTOCLAIM adds (an entry the listing missed: read back with XPENDING), the fencing token the reclaimer
 * runs the job with, with no command per entry from the worker. Claims change
 * nothing but the pending list (owner, idle, delivery count), as XAUTOCLAIM does; in the same script every previous
 * owner of an entry claimed or dropped (deleted from the stream) is marked in the stolen hash (the fence fast path
 * relies on it: docs/decisions.md, "Fence fast path"). The owners come from `XPENDING ... IDLE` over the same range
 * first; an entry it did not list (its idle time crossed the lease between the two commands) marks every consumer
 * of the group.
 */
export const claimLanesScript = new LuaScript(
  'claim-lanes',
  luaWith(
    ['now_ms'],
    `
local stolen = table.remove(KEYS)
local now = tostring(now_ms())
local out = {}
for i, key in ipairs(KEYS) do
  local owner, before = {}, {}
  for _, e in ipairs(redis.call('XPENDING', key, ARGV[1], 'IDLE', ARGV[3], ARGV[5], '+', ARGV[4])) do
    owner[e[1]] = e[2]
    before[e[1]] = e[4]
  end
  local r = redis.call('XAUTOCLAIM', key, ARGV[1], ARGV[2], ARGV[3], ARGV[5], 'COUNT', ARGV[4])
  local marks, seen, all = {}, {}, false
  local function mark(id)
    local c = owner[id]
    if c == nil then all = true
    elseif not seen[c] then
      seen[c] = true
      marks[#marks + 1] = c
      marks[#marks + 1] = now
    end
  end
  local counts = {}
  for _, e in ipairs(r[2]) do
    if type(e) == 'table' and e[1] then
      mark(e[1])
      -- XAUTOCLAIM added one delivery to what the listing read; an entry it did not list is read back
      local n = before[e[1]]
      if n then n = n + 1 else n = redis.call('XPENDING', key, ARGV[1], e[1], e[1], 1)[1][4] end
      counts[#counts + 1] = e[1]
      counts[#counts + 1] = n
    end
  end
  for _, id in ipairs(r[3] or {}) do mark(id) end
  if all then
    for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', key, ARGV[1])) do
      for j = 1, #c, 2 do
        if c[j] == 'name' then marks[#marks + 1] = c[j + 1]; marks[#marks + 1] = now end
      end
    end
  end
  if #marks > 0 then redis.call('HSET', stolen, unpack(marks)) end
  out[i] = {r[1], r[2], r[3] or {}, counts}
end
return out
`,
  ),
);

/** One stream's claim: XAUTOCLAIM's result, and each claimed entry's delivery count after the claim (by entry id). */
export interface LaneClaim extends AutoClaimResult {
  /** Delivery count (the fencing token) of each claimed entry, by entry id. */
  deliveries: ReadonlyMap<string, number>;
}

/**
 * One XAUTOCLAIM from `start` (default `0-0`) of each of `order`'s streams, in one script call, marking the
 * previous owners in the queue's stolen hash; one result per stream, with the claimed entries' delivery counts.
 */
export async function claimLanes(
  exec: RedisExecutor,
  order: readonly QueueKeys[],
  consumer: string,
  minIdleMs: number,
  count: number,
  start = '0-0',
): Promise<LaneClaim[]> {
  const first = order[0];
  if (!first) return [];
  const raw = (await claimLanesScript.run(
    exec,
    [...order.map((k) => k.stream), first.stolen],
    [GROUP, consumer, String(Math.max(0, Math.round(minIdleMs))), String(count), start],
  )) as unknown[];
  return raw.map((r) => {
    const [next, entries, deleted, counts] = arr(r, 'claim-lanes');
    const flat = arr(counts, 'claim-lanes delivery counts');
    const deliveries = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) deliveries.set(str(flat[i], 'claim-lanes'), Number(flat[i + 1]));
    return { ...xautoclaimReply([next, entries, deleted]), deliveries };
  });
}
