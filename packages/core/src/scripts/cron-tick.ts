/**
 * cron-tick: enqueue one cron tick exactly once however many workers try: the tick is written only when it is
 * later than the last tick recorded for the job.
 */
import type { RedisExecutor } from '../connection.js';
import { envelopeFields, type JobEnvelope } from '../job.js';
import type { QueueKeys } from '../keys.js';
import { code } from './fenced.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:cron:<job>
 * ARGV[1] tick epoch ms, ARGV[2] TTL ms of the record, ARGV[3..] envelope fields (flat, at most 16 values)
 * Returns 1 when this call enqueued the tick, 0 when it was already enqueued. The tick is written before it is
 * recorded: a failed write must not record a tick that was never enqueued.
 */
export const cronTickScript = new LuaScript(
  'cron-tick',
  `
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if last >= tonumber(ARGV[1]) then return 0 end
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
`,
);

/** Enqueue a cron tick unless some worker already did. True when this call enqueued it. */
export async function enqueueCronTick(
  exec: RedisExecutor,
  keys: QueueKeys,
  tickMs: number,
  ttlMs: number,
  env: JobEnvelope,
): Promise<boolean> {
  const args = [String(tickMs), String(Math.max(1, Math.round(ttlMs))), ...envelopeFields(env)];
  return code(await cronTickScript.run(exec, [keys.stream, keys.cron(env.name)], args)) === 1;
}
