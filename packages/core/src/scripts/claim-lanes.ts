/**
 * claim-lanes: the first XAUTOCLAIM of a reclaim sweep on every stream of a queue with lanes (core lanes.ts), in
 * one call, so a sweep costs one command however many lanes a queue has (an idle worker's budget). The reclaimer
 * goes on stream by stream only where a cursor is left.
 */
import { type AutoClaimResult, xautoclaimReply } from '../commands/xautoclaim.js';
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1..n] -> the streams of one queue (sluice:{<queue>}:stream, sluice:{<queue>}:stream:high, ...)
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] min idle ms, ARGV[4] most entries per stream
 * Returns one XAUTOCLAIM reply per stream, in KEYS order ({next cursor, entries, deleted ids}). Claims change
 * nothing but the pending list (owner, idle, delivery count), as XAUTOCLAIM does.
 */
export const claimLanesScript = new LuaScript(
  'claim-lanes',
  `
local out = {}
for i, key in ipairs(KEYS) do
  out[i] = redis.call('XAUTOCLAIM', key, ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
end
return out
`,
);

/** The first XAUTOCLAIM (cursor 0-0) of each of `order`'s streams, in one script call; one result per stream. */
export async function claimLanes(
  exec: RedisExecutor,
  order: readonly QueueKeys[],
  consumer: string,
  minIdleMs: number,
  count: number,
): Promise<AutoClaimResult[]> {
  const raw = (await claimLanesScript.run(
    exec,
    order.map((k) => k.stream),
    [GROUP, consumer, String(Math.max(0, Math.round(minIdleMs))), String(count)],
  )) as unknown[];
  return raw.map((r) => xautoclaimReply(r));
}
