/**
 * ack: finish jobs (fenced, batched): XACK + XDEL of every entry the caller still owns, one XACK and one XDEL
 * per 500 entries. The fence is fence_many: one XPENDING over the batch's id range, and the single-id fence only
 * for an entry that reply does not list.
 */
import type { RedisExecutor } from '../connection.js';
import type { QueueKeys } from '../keys.js';
import { type Delivery, type Fenced, runFencedBatch } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream
 * ARGV[1] group, ARGV[2] consumer, then pairs: entry id, deliveries the caller was handed
 * Returns one code per pair: 1 done, or a LeaseLost code (-1 not pending, -2 other owner, -3 delivered again).
 * Nothing is written elsewhere, so there is no new place to write first; XACK comes before XDEL so that an
 * entry is never deleted while still pending.
 */
export const ackScript = new LuaScript(
  'ack',
  luaWith(
    ['fence_argv', 'call_chunked'],
    `
local want, out = fence_argv(KEYS[1], ARGV[1], ARGV[2], 3)
local ids = {}
for i, ok in ipairs(out) do
  if ok == 1 then ids[#ids + 1] = want[i] end
end
call_chunked({'XACK', KEYS[1], ARGV[1]}, ids)
call_chunked({'XDEL', KEYS[1]}, ids)
return out
`,
  ),
);

/**
 * Finish deliveries (fenced XACK + XDEL). One result per delivery, in order. `retried` (default false): this call
 * repeats one whose reply was lost, so "not pending" counts as done.
 */
export async function ackDeliveries(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
  retried = false,
): Promise<Fenced[]> {
  return runFencedBatch(ackScript, exec, keys, consumer, ds, retried);
}
