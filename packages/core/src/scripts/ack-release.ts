/**
 * ack-release: finish one job that holds concurrency slots (docs/flow-control.md), fenced: when retention keeps it
 * (`keep.completed`), its record is written to the kept hash and sorted set and its id published on the done channel
 * first, as ack-keep does; then XACK + XDEL, its index entry, cancel request and progress dropped, then each slot
 * given back (to its first waiter). Jobs without flow control never come here: their acks stay in the batched ack
 * (or ack-keep) script.
 */
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code, type Delivery, type Fenced, landed, lost, releaseKeys } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:index, KEYS[3] -> sluice:{<queue>}:cancels,
 * KEYS[4] -> sluice:{<queue>}:progress, KEYS[5] -> sluice:{<queue>}:history (the job is counted there),
 * KEYS[6] -> sluice:{<queue>}:kept, KEYS[7] -> sluice:{<queue>}:kept:completed, KEYS[8] -> sluice:{<queue>}:delayed,
 * then the four lane streams (fenced.ts laneStreamKeys), then (slots, waiting) key pairs:
 * sluice:{<queue>}:fc:<len>:<job>:slots,
 * ...:waiting (or :kslots:<key>, :kwaiting:<key>)
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] deliveries, ARGV[5] job id ('' = the entry id and no
 * progress reported: nothing stored under it), ARGV[6] done channel, ARGV[7] retention limits ("count:ageMs", '' =
 * not kept), ARGV[8] result ('r' + JSON, or 'e' + why it was not stored), ARGV[9] the job id the record is kept under
 * Returns 1 done, or a LeaseLost code (nothing changed).
 */
export const ackReleaseScript = new LuaScript(
  'ack-release',
  luaWith(
    ['fence', 'fc_release', 'count_history', 'now_ms', 'keep_record'],
    `
local ok = fence(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if ok ~= 1 then return ok end
if ARGV[7] ~= '' then
  local now, job = now_ms(), ARGV[9]
  local rec = {}
  local e = redis.call('XRANGE', KEYS[1], ARGV[3], ARGV[3])[1]
  if e then
    for j = 1, #e[2], 2 do rec[e[2][j]] = e[2][j + 1] end
  end
  rec.id = job
  rec.finishedAt = tostring(now)
  local r = ARGV[8]
  if string.sub(r, 1, 1) == 'r' then rec.result = string.sub(r, 2) else rec.resultError = string.sub(r, 2) end
  redis.call('HSET', KEYS[6], 'c' .. job, cjson.encode(rec))
  keep_record(KEYS[6], KEYS[7], 'c', job, now, ARGV[7])
  redis.call('SPUBLISH', ARGV[6], job)
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
if ARGV[5] ~= '' then
  redis.call('HDEL', KEYS[2], ARGV[5])
  redis.call('HDEL', KEYS[3], ARGV[5])
  redis.call('HDEL', KEYS[4], ARGV[5])
end
count_history(KEYS[5], 'c', 1)
fc_release(KEYS[1], KEYS[2], 8, ARGV[3])
return 1
`,
  ),
);

/**
 * Finish delivery `d`, which holds slots (`d.hold`), and release them; keep its record when `d.keep` is set.
 * `retried`: see `landed` in fenced.ts.
 */
export async function ackRelease(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  retried = false,
): Promise<Fenced> {
  const job = d.jobId !== undefined && d.jobId !== d.entryId ? d.jobId : d.progressed ? d.entryId : '';
  const ks = [
    keys.stream,
    keys.index,
    keys.cancels,
    keys.progress,
    keys.history,
    keys.kept,
    keys.keptBy('completed'),
    ...releaseKeys(keys, d),
  ];
  const k = d.keep;
  const argv = [GROUP, consumer, d.entryId, String(d.deliveries), job, keys.doneChannel];
  argv.push(k ? `${k.count}:${k.age}` : '', k?.result ?? '', d.jobId ?? d.entryId);
  const c = code(await ackReleaseScript.run(exec, ks, argv));
  return landed(c, retried) ? { ok: true } : lost(c);
}
