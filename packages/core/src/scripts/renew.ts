/**
 * renew: extend the lease of every entry the caller still owns (fenced with fence_many, batched) with one
 * XCLAIM ... 0 ids JUSTID per 500, which resets the idle time without counting a delivery.
 */
import type { RedisExecutor } from '../connection.js';
import type { QueueKeys } from '../keys.js';
import { GROUP } from '../keys.js';
import { code, type Delivery, type Fenced, idRange, lost } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:cancels
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] and ARGV[4] the id range (fenced.ts idRange), then the n entry ids, the
 * n delivery counts the caller was handed, the n job ids ('' = the entry id)
 * Returns one code per triple: 1 renewed, 2 renewed and a cancel request waits for the job (the worker aborts it:
 * the safety net for a cancel message it missed), or a LeaseLost code.
 * An owned entry that was deleted from the stream (trimmed) is left out of the XCLAIM (on Redis 7 XCLAIM drops such
 * an entry from the pending list, and the running job would then be aborted as "lease lost" and vanish unreported)
 * and still counts as owned (1): it can finish normally; if it outlives the lease, a reclaimer's XAUTOCLAIM drops it
 * and reports it lost.
 */
export const renewScript = new LuaScript(
  'renew',
  luaWith(
    ['fence_many', 'call_chunked'],
    `
local n = (#ARGV - 4) / 3
local out = fence_many(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 5, 5 + n, 1, n)
local ids = {}
for i = 1, n do
  local id = ARGV[4 + i]
  if out[i] == 1 and #redis.call('XRANGE', KEYS[1], id, id) > 0 then ids[#ids + 1] = id end
end
call_chunked({'XCLAIM', KEYS[1], ARGV[1], ARGV[2], '0'}, ids, 'JUSTID')
-- cancel requests: nothing to read when the hash is empty (the common case)
if redis.call('HLEN', KEYS[2]) > 0 then
  for i = 1, #out, 500 do
    local jobs = {}
    for j = i, math.min(i + 499, #out) do
      local job = ARGV[4 + 2 * n + j]
      jobs[#jobs + 1] = job == '' and ARGV[4 + j] or job
    end
    local got = redis.call('HMGET', KEYS[2], unpack(jobs))
    for j = i, math.min(i + 499, #out) do
      if out[j] == 1 and got[j - i + 1] then out[j] = 2 end
    end
  end
end
return out
`,
  ),
);

/** A renewal's result: renewed (with `cancel` when a cancel request waits for the job), or the lease was lost. */
export type Renewed = Fenced<{ cancel?: boolean }>;

/**
 * Extend the lease of deliveries still owned (one fenced XCLAIM JUSTID) and report the ones with a cancel request.
 * One result per delivery.
 */
export async function renewLeases(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
): Promise<Renewed[]> {
  if (ds.length === 0) return [];
  const args: string[] = [GROUP, consumer, ...idRange(ds)];
  for (const d of ds) args.push(d.entryId);
  for (const d of ds) args.push(String(d.deliveries));
  for (const d of ds) args.push(d.jobId === d.entryId ? '' : (d.jobId ?? ''));
  const r = (await renewScript.run(exec, [keys.stream, keys.cancels], args)) as unknown[];
  return r.map((c) => (code(c) === 2 ? { ok: true, cancel: true } : code(c) === 1 ? { ok: true } : lost(code(c))));
}
