/** enqueue: add a job now or later, once per idempotency key (the script behind enqueue with a key or a delay). */
import type { RedisExecutor } from '../connection.js';
import { envelopeFields, type JobEnvelope } from '../job.js';
import type { QueueKeys } from '../keys.js';
import { code } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:wakes,
 * KEYS[4] -> sluice:{<queue>}:index, KEYS[5] -> sluice:{<queue>}:dedup:<key> (only with an idempotency key)
 * ARGV[1] mode: 'now' | 'delay' (ARGV[2] = ms from the server's now) | 'at' (ARGV[2] = epoch ms)
 * ARGV[2] ms, ARGV[3] dedup TTL ms, ARGV[4] job id (delayed only), ARGV[5..] envelope fields (flat, at most 16
 * values; without `id` for 'now', with it for a delayed job)
 * Returns {job id, 0} when written: for 'now' the stream entry id (the job's id; no index entry: the id says
 * where it is), for a delayed job ARGV[4] with its index entry `d<due>`; {first job id, 1} when the key was
 * already taken (nothing written). A delayed job that becomes the earliest due adds a `wake` marker to the
 * stream so an idle promoter re-plans. The job is written before the key is taken: a failed write must not
 * leave a key that names no job.
 */
export const enqueueScript = new LuaScript(
  'enqueue',
  luaWith(
    ['now_ms', 'wake_if_first'],
    `
if KEYS[5] then
  local prev = redis.call('GET', KEYS[5])
  if prev then return {prev, 1} end
end
local id = ARGV[4]
if ARGV[1] == 'now' then
  id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 5))
else
  local due = tonumber(ARGV[2])
  if ARGV[1] == 'delay' then due = now_ms() + due end
  local obj = {}
  for i = 5, #ARGV, 2 do obj[ARGV[i]] = ARGV[i + 1] end
  local member = cjson.encode(obj)
  redis.call('ZADD', KEYS[2], due, member)
  wake_if_first(KEYS[1], KEYS[2], KEYS[3], member, due)
  redis.call('HSET', KEYS[4], id, 'd' .. due)
end
if KEYS[5] then redis.call('SET', KEYS[5], id, 'PX', ARGV[3]) end
return {id, 0}
`,
  ),
);

/** Where an enqueue puts the job. */
export type EnqueueMode = { mode: 'now' } | { mode: 'delay'; ms: number } | { mode: 'at'; epochMs: number };

/**
 * Run the enqueue script (a delayed job, or an immediate one with an idempotency key). Returns the job id (for
 * an immediate job its entry id; for a delayed one `env.id`) and whether the key was already taken.
 */
export async function runEnqueue(
  exec: RedisExecutor,
  keys: QueueKeys,
  env: JobEnvelope,
  when: EnqueueMode,
  dedup?: { key: string; ttlMs: number },
): Promise<{ id: string; deduplicated: boolean }> {
  const ks = [keys.stream, keys.delayed, keys.wakes, keys.index, ...(dedup ? [keys.dedup(dedup.key)] : [])];
  const ms = when.mode === 'delay' ? when.ms : when.mode === 'at' ? when.epochMs : 0;
  const args = [
    when.mode,
    String(Math.round(ms)),
    String(Math.round(dedup?.ttlMs ?? 0)),
    env.id,
    ...(when.mode === 'now' ? envelopeFields(env, false, false) : envelopeFields(env)),
  ];
  const r = (await enqueueScript.run(exec, ks, args)) as [string, number];
  return { id: String(r[0]), deduplicated: code(r[1]) === 1 };
}
