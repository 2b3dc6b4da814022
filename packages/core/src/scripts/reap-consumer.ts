/**
 * reap-consumer: delete a consumer from the group only when its pending list is empty (XGROUP DELCONSUMER on a
 * consumer with pending entries orphans them for ever).
 */
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code } from './fenced.js';
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
