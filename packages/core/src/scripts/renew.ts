/**
 * renew: extend the lease of every entry the caller still owns (fenced with fence_many, batched) with one
 * XCLAIM ... 0 ids JUSTID per 500, which resets the idle time without counting a delivery.
 */
import type { RedisExecutor } from '../connection.js';
import type { QueueKeys } from '../keys.js';
import { type Delivery, type Fenced, runFencedBatch } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream
 * ARGV[1] group, ARGV[2] consumer, then pairs: entry id, deliveries the caller was handed
 * Returns one code per pair: 1 renewed, or a LeaseLost code.
 * An owned entry that was deleted from the stream (trimmed) is left out of the XCLAIM (on Redis 7 XCLAIM drops such
 * an entry from the pending list, and the running job would then be aborted as "lease lost" and vanish unreported)
 * and still counts as owned (1): it can finish normally; if it outlives the lease, a reclaimer's XAUTOCLAIM drops it
 * and reports it lost.
 */
export const renewScript = new LuaScript(
  'renew',
  luaWith(
    ['fence_argv', 'call_chunked'],
    `
local want, out = fence_argv(KEYS[1], ARGV[1], ARGV[2], 3)
local ids = {}
for i, ok in ipairs(out) do
  if ok == 1 and #redis.call('XRANGE', KEYS[1], want[i], want[i]) > 0 then ids[#ids + 1] = want[i] end
end
call_chunked({'XCLAIM', KEYS[1], ARGV[1], ARGV[2], '0'}, ids, 'JUSTID')
return out
`,
  ),
);

/** Extend the lease of deliveries still owned (one fenced XCLAIM JUSTID). One result per delivery. */
export async function renewLeases(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
): Promise<Fenced[]> {
  return runFencedBatch(renewScript, exec, keys, consumer, ds);
}
