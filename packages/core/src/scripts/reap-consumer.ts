/**
 * reap-consumer: delete a consumer from the group only when its pending list is empty (XGROUP DELCONSUMER on a
 * consumer with pending entries orphans them for ever).
 */
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream
 * ARGV[1] group, ARGV[2] consumer
 * Returns 1 deleted, 0 kept (it still has pending entries).
 */
export const reapConsumerScript = new LuaScript(
  'reap-consumer',
  `
local p = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if #p > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
`,
);

/** Delete `consumer` from the group if (and only if) its pending list is empty. True when deleted. */
export async function reapConsumer(exec: RedisExecutor, keys: QueueKeys, consumer: string): Promise<boolean> {
  return code(await reapConsumerScript.run(exec, [keys.stream], [GROUP, consumer])) === 1;
}

/** How long a consumer's mark stays in the stolen hash: a day (docs/decisions.md, "Fence fast path"). */
export const STOLEN_KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * KEYS[1] -> sluice:{<queue>}:stolen
 * ARGV[1] ms a mark is kept
 * Returns how many marks were dropped. The hash holds one field per consumer marked within the keep time, so
 * reading it whole stays small.
 */
export const pruneStolenScript = new LuaScript(
  'prune-stolen',
  luaWith(
    ['now_ms', 'call_chunked'],
    `
local cut = now_ms() - tonumber(ARGV[1])
local f = redis.call('HGETALL', KEYS[1])
local old = {}
for i = 1, #f, 2 do
  if (tonumber(f[i + 1]) or 0) < cut then old[#old + 1] = f[i] end
end
call_chunked({'HDEL', KEYS[1]}, old)
return #old
`,
  ),
);

/** Drop the stolen-hash marks older than `keepMs` (default {@link STOLEN_KEEP_MS}); resolves to how many went. */
export async function pruneStolen(exec: RedisExecutor, keys: QueueKeys, keepMs = STOLEN_KEEP_MS): Promise<number> {
  return code(await pruneStolenScript.run(exec, [keys.stolen], [String(Math.max(0, Math.round(keepMs)))]));
}
