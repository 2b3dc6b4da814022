/** redrive: move dead-lettered jobs back onto the stream with attempts reset (and their failure fields dropped). */
import type { RedisExecutor } from '../connection.js';
import type { QueueKeys } from '../keys.js';
import { code } from './fenced.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:dead, KEYS[2] -> sluice:{<queue>}:stream
 * ARGV[1..] dead entry ids
 * Returns the number of entries moved (ids not found are skipped).
 */
export const redriveScript = new LuaScript(
  'redrive',
  `
local keep = { id = true, name = true, data = true, enqueuedAt = true, trace = true, key = true }
local moved = 0
for _, id in ipairs(ARGV) do
  local r = redis.call('XRANGE', KEYS[1], id, id)
  local e = r[1]
  if e then
    local fields = {}
    local f = e[2]
    for i = 1, #f, 2 do
      if keep[f[i]] then fields[#fields + 1] = f[i]; fields[#fields + 1] = f[i + 1] end
    end
    fields[#fields + 1] = 'attempt'
    fields[#fields + 1] = '1'
    if #fields > 2 then
      redis.call('XADD', KEYS[2], '*', unpack(fields))
      redis.call('XDEL', KEYS[1], id)
      moved = moved + 1
    end
  end
end
return moved
`,
);

/** Move dead-letter entries back onto the stream with attempt 1. Returns how many moved. */
export async function redriveDead(exec: RedisExecutor, keys: QueueKeys, deadIds: readonly string[]): Promise<number> {
  if (deadIds.length === 0) return 0;
  return code(await redriveScript.run(exec, [keys.dead, keys.stream], deadIds));
}
