/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT n]. */
import type { RedisExecutor } from '../connection.js';
import { assertName, bad } from './args.js';
import { num } from './reply.js';
import { trimArgs } from './xadd.js';

/** What to keep: the newest `maxLen` entries (0 empties the stream), or entries with ids >= `minId`. */
export type XTrimStrategy = { maxLen: number; minId?: undefined } | { minId: string; maxLen?: undefined };

/** Options of {@link xtrim}. */
export interface XTrimOptions {
  /** Use `~`: cheaper, may keep more entries (default false: exact, unlike {@link xadd}'s default). */
  approximate?: boolean;
  /** At most this many entries evicted per call (default: Redis's); needs `approximate`. */
  limit?: number;
}

/** Arguments of XTRIM. Unlike XADD's `maxLen`, 0 here means "trim everything"; negative is rejected. */
export function xtrimArgs(key: string, strategy: XTrimStrategy, opts: XTrimOptions = {}): string[] {
  assertName(key, 'XTRIM key');
  if (
    typeof strategy !== 'object' ||
    strategy === null ||
    (strategy.maxLen === undefined && strategy.minId === undefined)
  ) {
    bad('XTRIM strategy', '{ maxLen } or { minId }', strategy);
  }
  return ['XTRIM', key, ...trimArgs('XTRIM', strategy, opts.approximate ?? false, opts.limit)];
}

/** XTRIM reply: entries removed. */
export function xtrimReply(raw: unknown): number {
  return num(raw, 'XTRIM');
}

/** Trim the stream; resolves to how many entries were removed. Pending references stay (see XAUTOCLAIM). */
export async function xtrim(
  exec: RedisExecutor,
  key: string,
  strategy: XTrimStrategy,
  opts?: XTrimOptions,
): Promise<number> {
  return xtrimReply(await exec.send(xtrimArgs(key, strategy, opts), key));
}
