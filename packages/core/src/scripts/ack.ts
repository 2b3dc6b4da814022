/**
 * ack: finish jobs (fenced, batched): XACK + XDEL of every entry the caller still owns, one XACK and one XDEL
 * per 500 entries. The fence is fence_many: one XPENDING over the batch's id range, and the single-id fence only
 * for an entry that reply does not list.
 */
import type { RedisExecutor } from '../connection.js';
import type { QueueKeys } from '../keys.js';
import { ackKeep, hasKept } from './ack-keep.js';
import { ackRelease } from './ack-release.js';
import { type Delivery, type Fenced, hasJobIds, runFencedBatch } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream; with job ids also KEYS[2] -> sluice:{<queue>}:index, KEYS[3] ->
 * sluice:{<queue>}:cancels, KEYS[4] -> sluice:{<queue>}:progress; last KEYS[#KEYS - 1] ->
 * sluice:{<queue>}:history (jobs done are counted there) and KEYS[#KEYS] -> sluice:{<queue>}:history:now (its
 * minute marker: lua-helpers count_history_now), then KEYS[#KEYS] -> sluice:{<queue>}:stolen (taken off KEYS first:
 * the fence fast path, docs/decisions.md)
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] and ARGV[4] the smallest and largest entry id (fenced.ts idRange), ARGV[5]
 * the n delivery counts the caller was handed in one value (fenced.ts encodeCounts: '' when all are 1), then n
 * entry ids, then with job ids the n job ids ('' = the entry id is the job id)
 * Returns the number of deliveries when every one was done, else one code per delivery: 1 done, or a LeaseLost
 * code (-1 not pending, -2 other owner, -3 delivered again).
 * Nothing is written elsewhere, so there is no new place to write first; XACK comes before XDEL so that an
 * entry is never deleted while still pending. A job with its own id (it left its first place) loses its index
 * entry, cancel request and progress (a job that reported progress goes with its job id too); a job whose id is its entry id has no index entry, and a cancel request for it
 * expires with the cancels hash (remove-job), so the common ack is main's: the stream and pairs.
 */
export const ackScript = new LuaScript(
  'ack',
  luaWith(
    ['fence_many', 'counts_of', 'call_argv', 'call_chunked', 'count_history_now'],
    `
local stolen = table.remove(KEYS)
local step = #KEYS == 6 and 2 or 1
local n = (#ARGV - 5) / step
local out, done
if redis.call('HEXISTS', stolen, ARGV[2]) == 0 then
  -- fast path: nothing but this consumer's own fenced scripts ever changed its pending entries, so an id still
  -- pending is its own with the count it was handed (docs/decisions.md, "Fence fast path"); XACK's count proves
  -- every id was still pending
  local k = 0
  for i = 6, 5 + n, 500 do k = k + redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, i, math.min(i + 499, 5 + n))) end
  if k == n then
    call_argv('XDEL', KEYS[1], nil, 6, 5 + n)
    out, done = nil, n
  else
    -- a repeated call: an id no longer pending was finished (acked and deleted) by this consumer before
    out, done = {}, k
    for i = 1, n do out[i] = redis.call('XDEL', KEYS[1], ARGV[5 + i]) == 1 and 1 or -1 end
  end
else
  out, done = fence_many(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 6, 0, 1, n, counts_of(ARGV[5], n))
  if done == n then
    -- the common batch: every delivery still owned, so the ids go to XACK and XDEL straight from ARGV
    call_argv('XACK', KEYS[1], ARGV[1], 6, 5 + n)
    call_argv('XDEL', KEYS[1], nil, 6, 5 + n)
  else
    local ids = {}
    for i = 1, n do
      if out[i] == 1 then ids[#ids + 1] = ARGV[5 + i] end
    end
    call_chunked({'XACK', KEYS[1], ARGV[1]}, ids)
    call_chunked({'XDEL', KEYS[1]}, ids)
  end
end
local jobs = {}
if step == 2 then
  for i = 1, n do
    local job = ARGV[5 + n + i]
    if (done == n or out[i] == 1) and job ~= '' then jobs[#jobs + 1] = job end
  end
end
if #jobs > 0 then
  call_chunked({'HDEL', KEYS[2]}, jobs)
  call_chunked({'HDEL', KEYS[3]}, jobs)
  call_chunked({'HDEL', KEYS[4]}, jobs)
end
count_history_now(KEYS[#KEYS - 1], KEYS[#KEYS], 'c', done)
if done == n then return n end
return out
`,
  ),
);

/**
 * Finish deliveries (fenced XACK + XDEL). One result per delivery, in order. `retried` (default false): this call
 * repeats one whose reply was lost, so "not pending" counts as done. Job ids go along only when a delivery has
 * one other than its entry id (so the common ack is the stream and the pairs alone). A delivery that holds
 * concurrency slots (`hold`) is acked by ack-release instead, which gives its slots back in the same script; a
 * batch with a job kept by retention goes through ack-keep.
 */
export async function ackDeliveries(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
  retried = false,
): Promise<Fenced[]> {
  if (ds.some((d) => d.hold !== undefined)) return ackHolding(exec, keys, consumer, ds, retried);
  if (hasKept(ds)) return ackKeep(exec, keys, consumer, ds, retried);
  const ids = hasJobIds(ds);
  const hist = [keys.history, keys.historyNow, keys.stolen];
  const more = ids ? [keys.index, keys.cancels, keys.progress, ...hist] : hist;
  return runFencedBatch(ackScript, exec, keys, consumer, ds, retried, more, ids);
}

/** ackDeliveries of a batch with slot holders: each holder through ack-release, the rest as one batch. */
async function ackHolding(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
  retried: boolean,
): Promise<Fenced[]> {
  const plain = ds.filter((d) => d.hold === undefined);
  const holders = ds.filter((d) => d.hold !== undefined);
  const [rest, held] = await Promise.all([
    ackDeliveries(exec, keys, consumer, plain, retried),
    Promise.all(holders.map((d) => ackRelease(exec, keys, consumer, d, retried))),
  ]);
  const out: Fenced[] = [];
  let p = 0;
  let h = 0;
  for (const d of ds) out.push((d.hold === undefined ? rest[p++] : held[h++]) as Fenced);
  return out;
}
