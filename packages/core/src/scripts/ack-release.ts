/**
 * ack-release: finish one job that holds concurrency slots (docs/flow-control.md), fenced: XACK + XDEL, its index
 * entry and cancel request dropped, then each slot given back (to its first waiter). Jobs without flow control
 * never come here: their acks stay in the batched ack script.
 */
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code, type Delivery, type Fenced, landed, lost, releaseKeys } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:index, KEYS[3] -> sluice:{<queue>}:cancels,
 * KEYS[4] -> sluice:{<queue>}:progress, KEYS[5] -> sluice:{<queue>}:history (the job is counted there),
 * KEYS[6] -> sluice:{<queue>}:delayed, then the four lane streams (fenced.ts laneStreamKeys), then (slots, waiting)
 * key pairs: sluice:{<queue>}:fc:<len>:<job>:slots,
 * ...:waiting (or :kslots:<key>, :kwaiting:<key>)
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] deliveries, ARGV[5] job id ('' = the entry id and no progress
 * reported: nothing kept under it)
 * Returns 1 done, or a LeaseLost code (nothing changed).
 */
export const ackReleaseScript = new LuaScript(
  'ack-release',
  luaWith(
    ['fence', 'fc_release', 'count_history'],
    `
local ok = fence(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if ok ~= 1 then return ok end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
if ARGV[5] ~= '' then
  redis.call('HDEL', KEYS[2], ARGV[5])
  redis.call('HDEL', KEYS[3], ARGV[5])
  redis.call('HDEL', KEYS[4], ARGV[5])
end
count_history(KEYS[5], 'c', 1)
fc_release(KEYS[1], KEYS[2], 6, ARGV[3])
return 1
`,
  ),
);

/** Finish delivery `d`, which holds slots (`d.hold`), and release them. `retried`: see `landed` in fenced.ts. */
export async function ackRelease(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  retried = false,
): Promise<Fenced> {
  const job = d.jobId !== undefined && d.jobId !== d.entryId ? d.jobId : d.progressed ? d.entryId : '';
  const ks = [keys.stream, keys.index, keys.cancels, keys.progress, keys.history, ...releaseKeys(keys, d)];
  const c = code(await ackReleaseScript.run(exec, ks, [GROUP, consumer, d.entryId, String(d.deliveries), job]));
  return landed(c, retried) ? { ok: true } : lost(c);
}
