/**
 * flow-start: before a job with start limits runs (docs/flow-control.md), take its concurrency slots and its
 * rate-limit start in one fenced script, or park the job: `queued` (a slot is busy: the job waits in the delayed
 * set and in the scope's waiting set, and the next release hands it the slot) or `delayed` (over the rate limit:
 * due when the window has room). Parking writes the delayed member first, then XACK + XDEL; the attempt is not
 * counted. A slot is held under the job's lease: a slot whose entry is no longer pending, or idle past the lease
 * (its worker died), is free again; only slots taken over a lease ago are checked, each at most once per lease.
 */
import type { RedisExecutor } from '../connection.js';
import type { LeaseLost } from '../errors.js';
import { envelopeMember, type JobEnvelope } from '../job.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code, type Delivery, landed, laneStreamKeys, lost } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream (the delivery's lane stream: :stream:high, ...), KEYS[2] ->
 * sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:wakes, KEYS[4] -> sluice:{<queue>}:index, KEYS[5] ->
 * sluice:{<queue>}:flow, KEYS[6..9] -> sluice:{<queue>}:stream, :stream:high, :stream:fair, :stream:low (slot
 * members name their lane: fc_member), then per concurrency scope KEYS[8+2i] ->
 * sluice:{<queue>}:fc:<len>:<job>:slots (or :kslots:<key>), KEYS[9+2i] -> ...:waiting (or :kwaiting:<key>), then
 * optionally KEYS[10+2n] -> sluice:{<queue>}:fc:<len>:<job>:rate:<key>
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] deliveries, ARGV[5] lease ms, ARGV[6] rate member
 * (job id#attempt), ARGV[7] the delayed member to park, ARGV[8] job id, ARGV[9] n scopes, ARGV[10..9+n] their
 * limits, then with a rate key: rate limit, period ms
 * Returns {1} started (the entry holds every slot), {2, due} queued, {3, due} delayed, or {LeaseLost code}.
 */
export const flowStartScript = new LuaScript(
  'flow-start',
  luaWith(
    ['fence', 'now_ms', 'wake_if_first', 'fc_member', 'fc_wake'],
    `
local function fc_free(group, slots, limit, lease, now)
  if redis.call('ZCARD', slots) < limit then return true end
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', slots, '-inf', now - lease)) do
    local stream, id = fc_entry(m, 6)
    local e = redis.call('XPENDING', stream, group, id, id, 1)[1]
    local live
    if e then live = tonumber(e[3]) < lease else live = redis.call('XRANGE', stream, id, id)[1] ~= nil end
    if live then redis.call('ZADD', slots, now, m) else redis.call('ZREM', slots, m) end
  end
  return redis.call('ZCARD', slots) < limit
end
local function fc_rate(log, member, limit, period, now)
  local s = redis.call('ZSCORE', log, member)
  if s then
    s = tonumber(s)
    if s <= now then return nil end
    return s
  end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - period)
  local n = redis.call('ZCARD', log)
  local t = now
  if n >= limit then
    t = math.max(now, tonumber(redis.call('ZRANGE', log, n - limit, n - limit, 'WITHSCORES')[2]) + period)
  end
  redis.call('ZADD', log, t, member)
  local last = tonumber(redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')[2])
  redis.call('PEXPIRE', log, math.max(t, last) - now + period)
  if t > now then return t end
  return nil
end
local ok = fence(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if ok ~= 1 then return {ok} end
local now = now_ms()
local me, lease, n = ARGV[3], tonumber(ARGV[5]), tonumber(ARGV[9])
local slot = fc_member(KEYS[1], 6, me)
local blocked, due
for i = 1, n do
  local slots = KEYS[8 + 2 * i]
  if not redis.call('ZSCORE', slots, slot) and not fc_free(ARGV[1], slots, tonumber(ARGV[9 + i]), lease, now) then
    blocked = i
    break
  end
end
local rk = KEYS[10 + 2 * n]
if not blocked and rk then due = fc_rate(rk, ARGV[6], tonumber(ARGV[10 + n]), tonumber(ARGV[11 + n]), now) end
if not blocked and not due then
  for i = 1, n do redis.call('ZADD', KEYS[8 + 2 * i], now, slot) end
  return {1}
end
local member, res = ARGV[7], 3
if blocked then
  due, res = now + lease, 2
  redis.call('ZADD', KEYS[9 + 2 * blocked], 'NX', fc_rank(KEYS[1], 6, now), member)
  redis.call('HINCRBY', KEYS[5], 'queued', 1)
else
  redis.call('HINCRBY', KEYS[5], 'delayed', 1)
end
redis.call('ZADD', KEYS[2], due, member)
if res == 3 then wake_if_first(KEYS[1], KEYS[2], KEYS[3], member, due) end
redis.call('HSET', KEYS[4], ARGV[8], 'd' .. due)
redis.call('XACK', KEYS[1], ARGV[1], me)
redis.call('XDEL', KEYS[1], me)
for i = 1, n do
  if redis.call('ZREM', KEYS[8 + 2 * i], slot) == 1 then
    fc_wake(6, KEYS[2], KEYS[4], KEYS[8 + 2 * i], KEYS[9 + 2 * i], now)
  end
end
return {res, due}
`,
  ),
);

/** One concurrency scope of a start: its slots, its waiters and its limit. */
export interface StartScope {
  slots: string;
  waiting: string;
  limit: number;
}

/** The rate limit of a start: its log key, limit and period. */
export interface StartRate {
  key: string;
  limit: number;
  periodMs: number;
}

/**
 * What flow-start did: `started` (the delivery now holds its slots: `hold` is what the finishing script must
 * release), `queued` (waits for a slot) or `delayed` (rate limit; `dueAt` undefined when a retried call found the
 * first one had landed), or the lease was lost.
 */
export type FlowStart =
  | { ok: true; outcome: 'started'; hold: string[] }
  | { ok: true; outcome: 'queued' | 'delayed'; dueAt: number | undefined }
  | { ok: false; lost: LeaseLost };

/**
 * Take the slots and rate-limit start of delivery `d` (envelope `env`) or park it (fenced). `leaseMs`: the lease
 * a slot is held under, and the fallback recheck of a queued job. `retried`: see `landed` in fenced.ts.
 */
export async function flowStart(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  env: JobEnvelope,
  leaseMs: number,
  scopes: readonly StartScope[],
  rate: StartRate | undefined,
  retried = false,
): Promise<FlowStart> {
  const ks = [keys.stream, keys.delayed, keys.wakes, keys.index, keys.flow, ...laneStreamKeys(keys)];
  const args = [
    GROUP,
    consumer,
    d.entryId,
    String(d.deliveries),
    String(Math.max(1, Math.round(leaseMs))),
    `${env.id}#${env.attempt}`,
    envelopeMember(env),
    env.id,
    String(scopes.length),
  ];
  const hold: string[] = [];
  for (const s of scopes) {
    ks.push(s.slots, s.waiting);
    hold.push(s.slots, s.waiting);
    args.push(String(s.limit));
  }
  if (rate) {
    ks.push(rate.key);
    args.push(String(rate.limit), String(rate.periodMs));
  }
  const r = (await flowStartScript.run(exec, ks, args)) as unknown[];
  const c = code(r[0]);
  if (c === 1) return { ok: true, outcome: 'started', hold };
  if (c === 2 || c === 3) return { ok: true, outcome: c === 2 ? 'queued' : 'delayed', dueAt: code(r[1]) };
  return landed(c, retried) ? { ok: true, outcome: 'delayed', dueAt: undefined } : lost(c);
}
