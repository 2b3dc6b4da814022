/**
 * retry-later: put a failed job back for a later attempt (fenced): ZADD delayed at the server's TIME + delay (with
 * delay 0 XADD straight back onto the stream: shutdown hands jobs back this way), then XACK + XDEL of the old
 * entry (new place first, old place last).
 */
import type { RedisExecutor } from '../connection.js';
import { envelopeFields, type JobEnvelope } from '../job.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code, type Delivery, type Fenced, landed, lost, releaseKeys } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:wakes,
 * KEYS[4] -> sluice:{<queue>}:index, KEYS[5] -> sluice:{<queue>}:history, KEYS[6] -> sluice:{<queue>}:progress (the
 * attempt's progress goes); with concurrency slots to release (docs/flow-control.md) KEYS[7] ->
 * sluice:{<queue>}:delayed again, then the four lane streams (fenced.ts laneStreamKeys), then (slots, waiting) key
 * pairs
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] deliveries, ARGV[5] delay ms, ARGV[6] '1' to count
 * a failed attempt in the history ('0': a hand-back or a deferral), ARGV[7..] the next attempt's envelope fields
 * (flat, at most 16 values: envelopeFields; ARGV[8] is the job id)
 * Returns {1, due epoch ms} done, or {LeaseLost code}.
 */
export const retryLaterScript = new LuaScript(
  'retry-later',
  luaWith(
    ['fence', 'now_ms', 'wake_if_first', 'count_history', 'fc_release'],
    `
local ok = fence(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if ok ~= 1 then return {ok} end
local delay = tonumber(ARGV[5])
local due = now_ms()
if delay <= 0 then
  redis.call('HSET', KEYS[4], ARGV[8], 's' .. redis.call('XADD', KEYS[1], '*', unpack(ARGV, 7)))
else
  local obj = {}
  for i = 7, #ARGV, 2 do obj[ARGV[i]] = ARGV[i + 1] end
  local member = cjson.encode(obj)
  due = due + delay
  redis.call('ZADD', KEYS[2], due, member)
  wake_if_first(KEYS[1], KEYS[2], KEYS[3], member, due)
  redis.call('HSET', KEYS[4], ARGV[8], 'd' .. due)
end
redis.call('HDEL', KEYS[6], ARGV[8])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
if ARGV[6] == '1' then count_history(KEYS[5], 'f', 1) end
if KEYS[7] then fc_release(KEYS[1], KEYS[4], 7, ARGV[3]) end
return {1, due}
`,
  ),
);

/**
 * Put a failed job back for attempt `next.attempt` after `delayMs` (0 = onto the stream at once). Fenced.
 * `retried` (default false): this call repeats one whose reply was lost, so "not pending" counts as done (with
 * `dueAt` unknown). `failed` (default true): count a failed attempt in the queue's history (false for a
 * hand-back at shutdown or a deferred job, which did not fail).
 */
export async function retryLater(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  delayMs: number,
  next: JobEnvelope,
): Promise<Fenced<{ dueAt: number }>>;
export async function retryLater(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  delayMs: number,
  next: JobEnvelope,
  retried: boolean,
  failed?: boolean,
): Promise<Fenced<{ dueAt: number | undefined }>>;
export async function retryLater(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  delayMs: number,
  next: JobEnvelope,
  retried = false,
  failed = true,
): Promise<Fenced<{ dueAt: number | undefined }>> {
  const delay = String(Math.max(0, Math.round(delayMs)));
  const args = [GROUP, consumer, d.entryId, String(d.deliveries), delay, failed ? '1' : '0'];
  const r = (await retryLaterScript.run(
    exec,
    [keys.stream, keys.delayed, keys.wakes, keys.index, keys.history, keys.progress, ...releaseKeys(keys, d)],
    [...args, ...envelopeFields(next)],
  )) as unknown[];
  if (code(r[0]) === 1) return { ok: true, dueAt: code(r[1]) };
  return landed(code(r[0]), retried) ? { ok: true, dueAt: undefined } : lost(code(r[0]));
}
