/**
 * finish-marker: remove a `wake` marker entry (read like a job, never run) and count it out of `wakes`.
 * Not fenced: a marker carries no work, so whoever holds it may finish it; deleting twice counts once.
 */
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code } from './fenced.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:wakes
 * ARGV[1] group, ARGV[2] entry id
 * Returns 1 when this call deleted the marker, 0 when it was already gone.
 */
export const finishMarkerScript = new LuaScript(
  'finish-marker',
  `
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
local n = redis.call('XDEL', KEYS[1], ARGV[2])
if n == 1 and redis.call('DECR', KEYS[2]) < 0 then redis.call('SET', KEYS[2], '0') end
if redis.call('XLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) end
return n
`,
);

/** Finish a `wake` marker entry (not fenced: it carries no work). True when this call removed it. */
export async function finishMarker(exec: RedisExecutor, keys: QueueKeys, entryId: string): Promise<boolean> {
  return code(await finishMarkerScript.run(exec, [keys.stream, keys.wakes], [GROUP, entryId])) === 1;
}

/** True for a `wake` marker entry (added when a delayed job became the earliest due; not a job). */
export const isWakeMarker = (fields: Record<string, string>): boolean =>
  fields.wake !== undefined && fields.id === undefined;
