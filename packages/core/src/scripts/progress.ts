/**
 * progress: store the progress a running job reports (`ctx.progress`), fenced so that a report arriving after
 * the job finished (or after another worker took it) writes nothing: one EVALSHA per call, one HSET in the
 * queue's progress hash. Every script that finishes a job (ack, retry-later, dead-letter, cancel-run) removes it.
 */
import type { RedisExecutor } from '../connection.js';
import { SluiceArgumentError } from '../errors.js';
import { GROUP, type QueueKeys } from '../keys.js';
import { DEFAULTS } from '../options.js';
import { code, type Delivery, type Fenced, lost } from './fenced.js';
import { luaWith } from './lua-helpers.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS[1] -> sluice:{<queue>}:stream, KEYS[2] -> sluice:{<queue>}:progress
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] deliveries, ARGV[5] job id, ARGV[6] progress JSON
 * Returns {1} stored, or {LeaseLost code} (nothing written).
 */
export const progressScript = new LuaScript(
  'progress',
  luaWith(
    ['fence'],
    `
local ok = fence(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if ok ~= 1 then return {ok} end
redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
return {1}
`,
  ),
);

/** What a handler may report: a percentage, or a small JSON object. */
export type ProgressValue = number | Record<string, unknown>;

/**
 * `value` as the JSON stored: a number from 0 to 100, or a plain JSON object of at most
 * `DEFAULTS.maxProgressBytes` (4096) bytes. Throws SluiceArgumentError naming what was wrong.
 */
export function encodeProgress(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0 && value <= 100) return JSON.stringify(value);
    throw new SluiceArgumentError(`ctx.progress expects a number from 0 to 100 or a JSON object; got ${value}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SluiceArgumentError(
      `ctx.progress expects a number from 0 to 100 or a JSON object; got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (e) {
    throw new SluiceArgumentError(`ctx.progress: the object is not JSON-serializable (${(e as Error).message})`);
  }
  const size = Buffer.byteLength(json);
  if (size > DEFAULTS.maxProgressBytes) {
    throw new SluiceArgumentError(
      `ctx.progress: the object is ${size} bytes of JSON, over the limit of ${DEFAULTS.maxProgressBytes}; report less (e.g. counts, not items)`,
    );
  }
  return json;
}

/** Store `json` (from {@link encodeProgress}) as the progress of running job `jobId`. Fenced. */
export async function reportProgress(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  jobId: string,
  json: string,
): Promise<Fenced> {
  const args = [GROUP, consumer, d.entryId, String(d.deliveries), jobId, json];
  const r = (await progressScript.run(exec, [keys.stream, keys.progress], args)) as unknown[];
  return code(r[0]) === 1 ? { ok: true } : lost(code(r[0]));
}
