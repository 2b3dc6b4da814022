/**
 * ack: finish jobs (fenced, batched): XACK + XDEL of every entry the caller still owns, one XACK and one XDEL
 * per 500 entries. The fence is fence_many: one XPENDING over the batch's id range, and the single-id fence only
 * for an entry that reply does not list.
 */
import type { RedisExecutor } from '../connection.js';
import type { QueueKeys } from '../keys.js';
import { type Delivery, type Fenced, hasJobIds, runFencedBatch } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:cancels, KEYS[3] -> sluice:{<queue>}:index
 * (only with job ids)
 * ARGV[1] group, ARGV[2] consumer, then pairs: entry id, deliveries the caller was handed; with KEYS[3] triples:
 * entry id, deliveries, job id ('' = the entry id is the job id)
 * Returns one code per delivery: 1 done, or a LeaseLost code (-1 not pending, -2 other owner, -3 delivered again).
 * Nothing is written elsewhere, so there is no new place to write first; XACK comes before XDEL so that an
 * entry is never deleted while still pending. A job with its own id (it left its first place) loses its index
 * entry; a job whose id is its entry id has none. Cancel requests (rare) go too: one EXISTS per batch otherwise.
 */
export const ackScript = new LuaScript(
  'ack',
  luaWith(
    ['fence_argv', 'call_chunked'],
    `
local step = KEYS[3] and 3 or 2
local want, out = fence_argv(KEYS[1], ARGV[1], ARGV[2], 3, step)
local ids, jobs = {}, {}
for i, ok in ipairs(out) do
  if ok == 1 then
    ids[#ids + 1] = want[i]
    local job = step == 3 and ARGV[3 * i + 2] or ''
    if job ~= '' then jobs[#jobs + 1] = job end
  end
end
call_chunked({'XACK', KEYS[1], ARGV[1]}, ids)
call_chunked({'XDEL', KEYS[1]}, ids)
if #jobs > 0 then call_chunked({'HDEL', KEYS[3]}, jobs) end
if redis.call('EXISTS', KEYS[2]) == 1 then
  call_chunked({'HDEL', KEYS[2]}, ids)
  if #jobs > 0 then call_chunked({'HDEL', KEYS[2]}, jobs) end
end
return out
`,
  ),
);

/**
 * Finish deliveries (fenced XACK + XDEL). One result per delivery, in order. `retried` (default false): this call
 * repeats one whose reply was lost, so "not pending" counts as done. Job ids go along only when a delivery has
 * one other than its entry id (so the common ack is the pairs alone).
 */
export async function ackDeliveries(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
  retried = false,
): Promise<Fenced[]> {
  const ids = hasJobIds(ds);
  const more = ids ? [keys.cancels, keys.index] : [keys.cancels];
  return runFencedBatch(ackScript, exec, keys, consumer, ds, retried, more, ids);
}
