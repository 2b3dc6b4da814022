/** redrive: move dead-lettered jobs back onto the stream with attempts reset (and their failure fields dropped). */
import type { RedisExecutor } from '../connection.js';
import { JOB_FIELDS } from '../dead-entry.js';
import type { QueueKeys } from '../keys.js';
import { laneStreams } from './enqueue-lane.js';
import { code } from './fenced.js';
import { luaStrings, luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/** The job fields a redriven job keeps (attempt is reset to 1). */
const KEEP = luaStrings(JOB_FIELDS.filter((f) => f !== 'attempt'));
/** Most ids per call (one XRANGE each). */
const CHUNK = 500;

/**
 * KEYS[1] -> sluice:{<queue>}:dead, KEYS[2] -> sluice:{<queue>}:stream, KEYS[3] -> sluice:{<queue>}:index,
 * KEYS[4..6] -> sluice:{<queue>}:stream:high, :stream:fair, :stream:low (a job with a `lane` goes back to its lane)
 * ARGV[1..] dead entry ids (at most 500)
 * Returns one code per id: 1 moved, 0 not in the dead stream, -1 not a job (no id, name or data: a `lost`
 * tombstone, or what a malformed entry held), left where it is. The job is added to the stream before its dead
 * entry is deleted; each of its fields is copied once (a repeated field keeps its last value; a pair
 * `<U+001F><job name> <data>` is the name and data fields, as toFields reads it).
 */
export const redriveScript = new LuaScript(
  'redrive',
  luaWith(
    ['lane_stream'],
    `
local out = {}
for i, id in ipairs(ARGV) do
  local e = redis.call('XRANGE', KEYS[1], id, id)[1]
  out[i] = 0
  if e then
    local got, f = {}, e[2]
    for j = 1, #f, 2 do
      -- a fresh entry's one pair <U+001F><job name>[<U+001E><trace>] <data> (job.ts envelopeFields), as an earlier
      -- worker copied it
      if string.byte(f[j], 1) == 31 then
        local t = string.find(f[j], '\\30', 2, true)
        if t then
          got.name, got.trace = string.sub(f[j], 2, t - 1), string.sub(f[j], t + 1)
        else
          got.name = string.sub(f[j], 2)
        end
        got.data = f[j + 1]
      else
        got[f[j]] = f[j + 1]
      end
    end
    out[i] = -1
    if got.id and got.id ~= '' and got.name and got.name ~= '' and got.data then
      local fields = {}
      for _, k in ipairs(${KEEP}) do
        if got[k] then
          fields[#fields + 1] = k
          fields[#fields + 1] = got[k]
        end
      end
      fields[#fields + 1] = 'attempt'
      fields[#fields + 1] = '1'
      local to = lane_stream(got.lane, 4, KEYS[2])
      redis.call('HSET', KEYS[3], got.id, 's' .. redis.call('XADD', to, '*', unpack(fields)))
      redis.call('XDEL', KEYS[1], id)
      out[i] = 1
    end
  end
end
return out
`,
  ),
);

/** What redrive did with one dead entry id. */
export type RedriveOutcome = 'moved' | 'not-found' | 'not-a-job';

const OUTCOME: Record<number, RedriveOutcome> = { 1: 'moved', 0: 'not-found', [-1]: 'not-a-job' };

/** Move dead-letter entries back onto the stream with attempt 1. One outcome per id, in order. */
export async function redriveDead(
  exec: RedisExecutor,
  keys: QueueKeys,
  deadIds: readonly string[],
): Promise<RedriveOutcome[]> {
  const out: RedriveOutcome[] = [];
  for (let i = 0; i < deadIds.length; i += CHUNK) {
    const r = (await redriveScript.run(
      exec,
      [keys.dead, keys.stream, keys.index, ...laneStreams(keys)],
      deadIds.slice(i, i + CHUNK),
    )) as unknown[];
    for (const c of r) out.push(OUTCOME[code(c)] ?? 'not-found');
  }
  return out;
}
