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
 * ARGV[2] ms, ARGV[3] dedup TTL ms, ARGV[4] job id, ARGV[5..] envelope fields (flat, at most 16 values)
 * Returns {job id, 0, where} when written (where: the index value, `s<entry id>` or `d<due>`); {first job id, 1}
 * when the key was already taken (nothing written). The index entry job id -> where is written with the job.
 * A delayed job that becomes the earliest due adds a `wake` marker to the stream so an idle promoter re-plans.
 * The job is written before the key is taken: a failed write must not leave a key that names no job.
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
local where
if ARGV[1] == 'now' then
  where = 's' .. redis.call('XADD', KEYS[1], '*', unpack(ARGV, 5))
else
  local due = tonumber(ARGV[2])
  if ARGV[1] == 'delay' then due = now_ms() + due end
  local obj = {}
  for i = 5, #ARGV, 2 do obj[ARGV[i]] = ARGV[i + 1] end
  local member = cjson.encode(obj)
  redis.call('ZADD', KEYS[2], due, member)
  wake_if_first(KEYS[1], KEYS[2], KEYS[3], member, due)
  where = 'd' .. due
end
redis.call('HSET', KEYS[4], ARGV[4], where)
if KEYS[5] then redis.call('SET', KEYS[5], ARGV[4], 'PX', ARGV[3]) end
return {ARGV[4], 0, where}
`,
  ),
);

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:index
 * ARGV: the envelope fields (flat, at most 16 values: envelopeFields, so ARGV[2] is the job id)
 * Returns the stream entry id. The hot path of enqueue (an immediate job without a key): kept to two calls.
 */
export const addScript = new LuaScript(
  'add',
  `
local e = redis.call('XADD', KEYS[1], '*', unpack(ARGV))
redis.call('HSET', KEYS[2], ARGV[2], 's' .. e)
return e
`,
);

/** Where an enqueue puts the job. */
export type EnqueueMode = { mode: 'now' } | { mode: 'delay'; ms: number } | { mode: 'at'; epochMs: number };

/**
 * Run the enqueue script (every enqueue: it writes the job and its index entry). Returns the job id, whether it
 * was a duplicate, and for an immediate job its stream entry id.
 */
export async function runEnqueue(
  exec: RedisExecutor,
  keys: QueueKeys,
  env: JobEnvelope,
  when: EnqueueMode,
  dedup?: { key: string; ttlMs: number },
): Promise<{ id: string; deduplicated: boolean; entryId?: string }> {
  if (when.mode === 'now' && !dedup) {
    const entryId = String(await addScript.run(exec, [keys.stream, keys.index], envelopeFields(env)));
    return { id: env.id, deduplicated: false, entryId };
  }
  const ks = [keys.stream, keys.delayed, keys.wakes, keys.index, ...(dedup ? [keys.dedup(dedup.key)] : [])];
  const ms = when.mode === 'delay' ? when.ms : when.mode === 'at' ? when.epochMs : 0;
  const args = [
    when.mode,
    String(Math.round(ms)),
    String(Math.round(dedup?.ttlMs ?? 0)),
    env.id,
    ...envelopeFields(env),
  ];
  const r = (await enqueueScript.run(exec, ks, args)) as [string, number, string?];
  const where = r[2] === undefined ? '' : String(r[2]);
  return where.startsWith('s')
    ? { id: String(r[0]), deduplicated: false, entryId: where.slice(1) }
    : { id: String(r[0]), deduplicated: code(r[1]) === 1 };
}
