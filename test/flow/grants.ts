/**
 * The rate limiter's own grants, read from the server's append-only file: a rate-limit test checks what the
 * limiter granted (flow-start's `ZADD <rate log> <grant ms> <job id#attempt>`, the grant time from `TIME` inside
 * the script), not when handlers in worker processes happened to start, so a slow or busy machine cannot fail it.
 * The AOF holds every write in the server's order, including log entries the limiter has since pruned; the test
 * server writes it on every command (`appendfsync always`) and never rewrites it. Test-only: nothing is added to
 * the limiter or to production Redis traffic.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StartedRedis, startRedisServer } from '../redis-server.js';

/** One grant of a rate limit: the run (job id#attempt) and its grant time (server ms). */
export interface Grant {
  member: string;
  at: number;
}

/** A private redis-server that logs every write to an AOF that is never rewritten (read by {@link grantsOf}). */
export const startLoggedRedis = (): Promise<StartedRedis> =>
  startRedisServer({
    args: [
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--auto-aof-rewrite-percentage',
      '0',
      '--aof-use-rdb-preamble',
      'no',
    ],
  });

/** The AOF files of `dir` in order: Redis 7's manifest (base, then increments), or Redis 6's single file. */
function aofFiles(dir: string): string[] {
  const multi = join(dir, 'appendonlydir');
  const manifest = join(multi, 'appendonly.aof.manifest');
  if (existsSync(manifest)) {
    return readFileSync(manifest, 'utf8')
      .split('\n')
      .map((l) => /^file (\S+) /.exec(l)?.[1])
      .filter((f): f is string => f !== undefined)
      .map((f) => join(multi, f));
  }
  return [join(dir, 'appendonly.aof')];
}

/** The commands of one AOF (RESP arrays of bulk strings); a command cut short at the end is left out. */
export function parseAof(buf: Buffer): string[][] {
  const out: string[][] = [];
  let i = 0;
  const line = (): string | undefined => {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) return undefined;
    const s = buf.toString('latin1', i, eol);
    i = eol + 2;
    return s;
  };
  while (i < buf.length) {
    const head = line();
    if (head === undefined || !head.startsWith('*')) break;
    const args: string[] = [];
    for (let n = Number(head.slice(1)); n > 0; n--) {
      const len = Number(line()?.slice(1));
      if (!Number.isInteger(len) || i + len + 2 > buf.length) return out;
      args.push(buf.toString('utf8', i, i + len));
      i += len + 2;
    }
    out.push(args);
  }
  return out;
}

/** The grants in `commands`: every `ZADD` to `key`, in order (options like NX skipped). */
export function zaddsTo(commands: readonly string[][], key: string): Grant[] {
  const grants: Grant[] = [];
  for (const c of commands) {
    if (c[0]?.toUpperCase() !== 'ZADD' || c[1] !== key) continue;
    let j = 2;
    while (j < c.length && /^(NX|XX|GT|LT|CH)$/i.test(c[j] as string)) j++;
    for (; j + 1 < c.length; j += 2) grants.push({ at: Number(c[j]), member: c[j + 1] as string });
  }
  return grants;
}

/** Every write the server of `redis` has logged so far, in the server's order. */
export const aofCommands = (redis: StartedRedis): string[][] =>
  aofFiles(redis.dir).flatMap((f) => (existsSync(f) ? parseAof(readFileSync(f)) : []));

/** Every `ZADD` to `key` the server of `redis` has logged so far, in the server's order. */
export const grantsOf = (redis: StartedRedis, key: string): Grant[] => zaddsTo(aofCommands(redis), key);
