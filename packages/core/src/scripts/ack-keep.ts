/**
 * ack-keep: finish jobs (fenced, batched) like ack, for a batch in which some jobs are kept by retention
 * (`keep.completed`): for each of those, the record (the entry's fields, the result, the finish time) is written to
 * the kept hash and sorted set first and trimmed by count and age (lua-helpers `keep_record`), and the job id is
 * published on the queue's done channel (for `waitFor`); then XACK + XDEL of every owned entry, and the job ids'
 * index entries, cancel requests and progress go. A batch with no kept job uses the plain ack script.
 */
import type { RedisExecutor } from '../connection.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { code, type Delivery, type Fenced, idRange, landed, lost } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:index, KEYS[3] -> sluice:{<queue>}:cancels,
 * KEYS[4] -> sluice:{<queue>}:progress, KEYS[5] -> sluice:{<queue>}:kept, KEYS[6] -> sluice:{<queue>}:kept:completed,
 * KEYS[7] -> sluice:{<queue>}:history (jobs done are counted there), KEYS[8] -> sluice:{<queue>}:history:now
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] done channel, ARGV[4] and ARGV[5] the id range (fenced.ts idRange),
 * then groups of 5: entry id, deliveries, job id, limits
 * ("count:ageMs", '' = not kept), result ('r' + JSON, or 'e' + why it was not stored)
 * Returns one code per delivery: 1 done, or a LeaseLost code.
 */
export const ackKeepScript = new LuaScript(
  'ack-keep',
  luaWith(
    ['fence_many', 'call_chunked', 'now_ms', 'keep_record', 'count_history_now'],
    `
local out = fence_many(KEYS[1], ARGV[1], ARGV[2], ARGV[4], ARGV[5], 6, 7, 5, (#ARGV - 5) / 5)
local now = now_ms()
local ids, jobs = {}, {}
for i, ok in ipairs(out) do
  if ok == 1 then
    local a = 6 + 5 * (i - 1)
    local eid, job = ARGV[a], ARGV[a + 2]
    ids[#ids + 1] = eid
    jobs[#jobs + 1] = job
    if ARGV[a + 3] ~= '' then
      local rec = {}
      local e = redis.call('XRANGE', KEYS[1], eid, eid)[1]
      if e then
        for j = 1, #e[2], 2 do rec[e[2][j]] = e[2][j + 1] end
      end
      rec.id = job
      rec.finishedAt = tostring(now)
      local r = ARGV[a + 4]
      if string.sub(r, 1, 1) == 'r' then rec.result = string.sub(r, 2) else rec.resultError = string.sub(r, 2) end
      redis.call('HSET', KEYS[5], 'c' .. job, cjson.encode(rec))
      keep_record(KEYS[5], KEYS[6], 'c', job, now, ARGV[a + 3])
      redis.call('SPUBLISH', ARGV[3], job)
    end
  end
end
call_chunked({'XACK', KEYS[1], ARGV[1]}, ids)
call_chunked({'XDEL', KEYS[1]}, ids)
call_chunked({'HDEL', KEYS[2]}, jobs)
call_chunked({'HDEL', KEYS[3]}, jobs)
call_chunked({'HDEL', KEYS[4]}, jobs)
count_history_now(KEYS[7], KEYS[8], 'c', #ids)
return out
`,
  ),
);

/**
 * The handler's return value as stored: 'r' + JSON (undefined is stored as null), or 'e' + a note when it is not
 * JSON-serializable or its JSON is over `maxBytes` (the payload limit): the job still completes.
 */
export function encodeResult(value: unknown, maxBytes: number): string {
  let json: string;
  try {
    json = JSON.stringify(value === undefined ? null : value) ?? 'null';
  } catch (e) {
    return `eresult not kept: it is not JSON-serializable (${(e as Error).message})`;
  }
  const size = json.length > maxBytes / 3 ? Buffer.byteLength(json) : 0;
  if (size > maxBytes)
    return `eresult not kept: ${size} bytes of JSON, over the limit of ${maxBytes} (maxPayloadBytes)`;
  return `r${json}`;
}

/** True when a delivery of `ds` is kept (its batch then goes through ack-keep). */
export const hasKept = (ds: readonly Delivery[]): boolean => ds.some((d) => d.keep !== undefined);

/** Finish deliveries of which some are kept. One result per delivery, in order; `retried`: see fenced.ts `landed`. */
export async function ackKeep(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
  retried = false,
): Promise<Fenced[]> {
  const args: string[] = [GROUP, consumer, keys.doneChannel, ...idRange(ds)];
  for (const d of ds) {
    const k = d.keep;
    args.push(d.entryId, String(d.deliveries), d.jobId ?? d.entryId, k ? `${k.count}:${k.age}` : '', k?.result ?? '');
  }
  const ks = [
    keys.stream,
    keys.index,
    keys.cancels,
    keys.progress,
    keys.kept,
    keys.keptBy('completed'),
    keys.history,
    keys.historyNow,
  ];
  const r = (await ackKeepScript.run(exec, ks, args)) as unknown[];
  return r.map((c) => (landed(code(c), retried) ? { ok: true } : lost(code(c))));
}
