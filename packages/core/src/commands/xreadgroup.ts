/** XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key ... id ... */
import type { RedisExecutor } from '../connection.js';
import { assertFlag, assertName, listArg } from './args.js';
import type { GroupReadEntry, StreamFields, StreamOffset, StreamRead } from './types.js';
import { countBlockArgs, streamsArgs, xreadgroupReply } from './xread.js';

/** Options of {@link xreadgroup}. */
export interface XReadGroupOptions {
  /** At most this many entries per stream (default: all). */
  count?: number;
  /** Wait up to this many ms for new entries; 0 = for ever (default: don't block). Holds the whole connection. */
  block?: number;
  /** Don't add the entries to the pending list (default false). Dangerous: a crash then loses them. */
  noAck?: boolean;
}

/** Arguments of XREADGROUP; ids are `>` (never delivered) or an id (re-read this consumer's pending entries). */
export function xreadgroupArgs(
  group: string,
  consumer: string,
  streams: StreamOffset | readonly StreamOffset[],
  opts: XReadGroupOptions = {},
): string[] {
  assertName(group, 'XREADGROUP group');
  assertName(consumer, 'XREADGROUP consumer');
  assertFlag(opts.noAck, 'XREADGROUP noAck');
  const out = ['XREADGROUP', 'GROUP', group, consumer, ...countBlockArgs('XREADGROUP', opts)];
  if (opts.noAck) out.push('NOACK');
  return [...out, ...streamsArgs('XREADGROUP', streams, ['>'])];
}

/**
 * Read through a consumer group; `[]` when there is nothing (or BLOCK timed out). A history read (id not `>`)
 * re-delivers this consumer's pending entries (counting a delivery) and gives `fields: null` for deleted ones.
 */
export async function xreadgroup<F extends StreamFields = StreamFields>(
  exec: RedisExecutor,
  group: string,
  consumer: string,
  streams: StreamOffset | readonly StreamOffset[],
  opts?: XReadGroupOptions,
): Promise<StreamRead<GroupReadEntry<F>>[]> {
  const list = listArg(streams, 'XREADGROUP streams');
  const raw = await exec.send(xreadgroupArgs(group, consumer, list, opts), list[0]?.key);
  return xreadgroupReply(
    raw,
    list.map((s) => s.key),
  ) as StreamRead<GroupReadEntry<F>>[];
}
