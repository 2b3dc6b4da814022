/**
 * enqueue-flow: an enqueue under debounce or throttle (docs/flow-control.md), one script each way:
 * - throttle: the first enqueue of a key in a period writes the job (now, or delayed) and takes the key for the
 *   period; the others write nothing and answer `throttled` with the first one's id.
 * - debounce: the first enqueue of a key writes a delayed run due after the period and records it under the key;
 *   a later one, while that run still waits, rewrites its payload and pushes its due time back (never past
 *   `maxWait` from the first) and answers `debounced` with its id. A run already promoted starts a new one.
 * The job is written before the key is taken or moved (new place first). Skips are counted in the queue's flow hash.
 */
import type { RedisExecutor } from '../connection.js';
import type { SkipReason } from '../flow.js';
import { envelopeFields, type JobEnvelope } from '../job.js';
import type { QueueKeys } from '../keys.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:wakes,
 * KEYS[4] -> sluice:{<queue>}:index, KEYS[5] -> sluice:{<queue>}:flow, KEYS[6] ->
 * sluice:{<queue>}:fc:<len>:<job>:throttle:<key> or ...:debounce:<key>
 * ARGV[1] 'throttle' | 'debounce', ARGV[2] period ms, ARGV[3] maxWait ms (0 = none), ARGV[4] delay ms from the
 * server's now (throttle; 0 = now), ARGV[5] job id, ARGV[6..] envelope fields (with id)
 * Returns {job id, ''} written, or {the standing run's id, 'throttled' | 'debounced'}.
 */
export const enqueueFlowScript = new LuaScript(
  'enqueue-flow',
  luaWith(
    ['now_ms', 'wake_if_first', 'delayed_member'],
    `
local period, maxWait, id = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[5]
local now = now_ms()
local function delay_job(due, obj)
  local member = cjson.encode(obj)
  redis.call('ZADD', KEYS[2], due, member)
  wake_if_first(KEYS[1], KEYS[2], KEYS[3], member, due)
  redis.call('HSET', KEYS[4], obj.id, 'd' .. due)
  return member
end
local obj = {}
for i = 6, #ARGV, 2 do obj[ARGV[i]] = ARGV[i + 1] end
if ARGV[1] == 'throttle' then
  local prev = redis.call('GET', KEYS[6])
  if prev then
    redis.call('HINCRBY', KEYS[5], 'throttled', 1)
    return {prev, 'throttled'}
  end
  local delay = tonumber(ARGV[4])
  if delay > 0 then
    delay_job(now + delay, obj)
  else
    -- a job added now has its entry id as its id: the envelope goes without the id field
    local f = {}
    for i = 6, #ARGV, 2 do
      if ARGV[i] ~= 'id' then
        f[#f + 1] = ARGV[i]
        f[#f + 1] = ARGV[i + 1]
      end
    end
    id = redis.call('XADD', KEYS[1], '*', unpack(f))
  end
  redis.call('SET', KEYS[6], id, 'PX', period)
  return {id, ''}
end
local rec = redis.call('GET', KEYS[6])
if rec then
  local r = cjson.decode(rec)
  local m, old = delayed_member(KEYS[2], r.due, r.id)
  if m then
    local due = now + period
    if maxWait > 0 then due = math.min(due, r.first + maxWait) end
    old.data = obj.data
    if delay_job(due, old) ~= m then redis.call('ZREM', KEYS[2], m) end
    redis.call('SET', KEYS[6], cjson.encode({id = r.id, due = due, first = r.first}), 'PX', due - now + period)
    redis.call('HINCRBY', KEYS[5], 'debounced', 1)
    return {r.id, 'debounced'}
  end
end
local due = now + period
delay_job(due, obj)
redis.call('SET', KEYS[6], cjson.encode({id = id, due = due, first = now}), 'PX', period * 2)
return {id, ''}
`,
  ),
);

/** A debounce or throttle of one enqueue: the key's Redis key and the resolved periods. */
export interface EnqueueFlow {
  kind: 'debounce' | 'throttle';
  /** The debounce or throttle key (keys.ts FlowKeys). */
  key: string;
  periodMs: number;
  /** Debounce: cap from the first enqueue of the key (0 = none). */
  maxWaitMs: number;
  /** Throttle: ms from now before the job is due (0 = at once). */
  delayMs: number;
}

/** Run an enqueue under debounce or throttle: the id written, or the standing run's id and why nothing was. */
export async function runEnqueueFlow(
  exec: RedisExecutor,
  keys: QueueKeys,
  env: JobEnvelope,
  flow: EnqueueFlow,
): Promise<{ id: string; skipped: SkipReason | undefined }> {
  const ks = [keys.stream, keys.delayed, keys.wakes, keys.index, keys.flow, flow.key];
  const args = [
    flow.kind,
    String(Math.round(flow.periodMs)),
    String(Math.round(flow.maxWaitMs)),
    String(Math.max(0, Math.round(flow.delayMs))),
    env.id,
    ...envelopeFields(env),
  ];
  const r = (await enqueueFlowScript.run(exec, ks, args)) as [string, string];
  const why = String(r[1]);
  return { id: String(r[0]), skipped: why === 'debounced' || why === 'throttled' ? why : undefined };
}
