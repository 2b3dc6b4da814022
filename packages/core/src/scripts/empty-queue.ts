/** empty-queue: remove a bounded chunk of a queue's ready and delayed jobs (and their index entries). */
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:delayed, KEYS[3] -> sluice:{<queue>}:index
 * ARGV[1] group, ARGV[2] most entries per kind, ARGV[3] exclusive stream cursor ('' = after the group's last
 * delivered id, '-' = the ready part is done)
 * Returns {ready removed, delayed removed, stream cursor ('-' when the ready part is done)}. Ready = entries after
 * the group's last delivered id; running jobs and `wake` markers stay. Nothing is written elsewhere.
 */
export const emptyQueueScript = new LuaScript(
  'empty-queue',
  luaWith(
    ['field_of', 'call_chunked'],
    `
local n = tonumber(ARGV[2])
local from = ARGV[3]
if from == '' then
  from = '0-0'
  local gs = redis.pcall('XINFO', 'GROUPS', KEYS[1])
  if type(gs) == 'table' and not gs.err then
    for _, g in ipairs(gs) do
      if field_of(g, 'name') == ARGV[1] then from = field_of(g, 'last-delivered-id') end
    end
  end
end
local ids, jobs = {}, {}
local cursor = '-'
if from ~= '-' then
  local es = redis.call('XRANGE', KEYS[1], '(' .. from, '+', 'COUNT', n)
  for _, e in ipairs(es) do
    if not field_of(e[2], 'wake') then
      ids[#ids + 1] = e[1]
      -- only a job with an id field (it left its first place) has an index entry
      jobs[#jobs + 1] = field_of(e[2], 'id')
    end
  end
  if #es == n then cursor = es[#es][1] end
end
call_chunked({'XDEL', KEYS[1]}, ids)
local ms = redis.call('ZRANGE', KEYS[2], 0, n - 1)
for _, m in ipairs(ms) do
  local ok, obj = pcall(cjson.decode, m)
  if ok and type(obj) == 'table' and type(obj.id) == 'string' then jobs[#jobs + 1] = obj.id end
end
call_chunked({'ZREM', KEYS[2]}, ms)
call_chunked({'HDEL', KEYS[3]}, jobs)
return {#ids, #ms, cursor}
`,
  ),
);

/**
 * Remove one chunk (at most `n` ready and `n` delayed jobs). `cursor` '' starts; a returned '-' = ready done.
 * `set` (default the delayed set): the sorted set of JSON members to empty (the fair set, with cursor '-').
 */
export async function emptyQueueChunk(
  exec: RedisExecutor,
  keys: QueueKeys,
  n: number,
  cursor: string,
  set = keys.delayed,
): Promise<{ ready: number; delayed: number; cursor: string }> {
  const r = (await emptyQueueScript.run(exec, [keys.stream, set, keys.index], [GROUP, String(n), cursor])) as unknown[];
  return { ready: code(r[0]), delayed: code(r[1]), cursor: String(r[2]) };
}
