/**
 * enqueue-batch: add a batch of immediate jobs of the default stream (enqueueMany without a delay, a priority or a
 * group) in one script call: one command for the client to encode and one reply to decode instead of one XADD
 * each, and the batch is atomic on the master (all of it in the stream, or none of it). The jobs of one
 * enqueueMany call share every field but the payload, so those fields travel once.
 */
import type { RedisExecutor } from '../connection.js';
import { envelopeFields, type JobEnvelope } from '../job.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream
 * ARGV[1] the entries' one field key (`<U+001F><job name>`, with `<U+001E><traceparent>` when traced: job.ts
 * envelopeFields), ARGV[2] their `enqueuedAt`, ARGV[3..] one payload per job
 * Returns the entry ids (the jobs' ids), in ARGV order. Each entry is what envelopeFields gives a fresh entry of
 * enqueueMany: `<key> <payload> enqueuedAt <ms>`. No `unpack` of ARGV, so a batch is not bounded by Lua's stack
 * (LUAI_MAXCSTACK, 8000), only by the caller's batch size; the fields are spelled out rather than unpacked per
 * entry (measured: 0.1 us of Redis CPU per job less).
 */
export const enqueueBatchScript = new LuaScript(
  'enqueue-batch',
  `
local stream, key, at = KEYS[1], ARGV[1], ARGV[2]
local ids = {}
for i = 3, #ARGV do
  ids[i - 2] = redis.call('XADD', stream, '*', key, ARGV[i], 'enqueuedAt', at)
end
return ids
`,
);

/** The shared arguments of a batch (ARGV[1], ARGV[2]): its entry fields but the payload. */
export type BatchHead = readonly [key: string, enqueuedAt: string];

/**
 * The shared arguments of a batch of jobs like `env` (its payload aside), from envelopeFields; throws unless they
 * are exactly the shape the script writes (`[<key>, <payload>, 'enqueuedAt', <ms>]`: attempt 1, no idempotency
 * key, lane or group), so the script's entries are the ones enqueue-recover.ts looks up.
 */
export function batchHead(env: JobEnvelope): BatchHead {
  const f = envelopeFields(env, false);
  if (f.length !== 4 || f[2] !== 'enqueuedAt') {
    throw new Error(`enqueue-batch: unexpected entry fields ${JSON.stringify(f.filter((_, k) => k !== 1))}`);
  }
  return [f[0] as string, f[3] as string];
}

/**
 * Add one stream entry per payload of `data` to `stream` with the fields of `head` (see {@link batchHead}), in
 * order, all or none; returns their entry ids. Sent once, no retry (TRYAGAIN, CLUSTERDOWN): enqueueMany recovers a
 * failed batch itself (enqueue-recover.ts), and a retry still pending then could write it twice.
 */
export async function runEnqueueBatch(
  exec: RedisExecutor,
  stream: string,
  head: BatchHead,
  data: readonly string[],
): Promise<string[]> {
  const args: string[] = new Array(2 + data.length);
  args[0] = head[0];
  args[1] = head[1];
  for (let k = 0; k < data.length; k++) args[2 + k] = data[k] as string;
  const r = await enqueueBatchScript.runOnce(exec, [stream], args);
  if (!Array.isArray(r) || r.length !== data.length || !r.every((id) => typeof id === 'string')) {
    throw new Error(`enqueue-batch: expected ${data.length} entry ids, got ${JSON.stringify(r)?.slice(0, 200)}`);
  }
  return r as string[];
}
