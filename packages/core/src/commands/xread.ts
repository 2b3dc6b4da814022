/** XREAD [COUNT n] [BLOCK ms] STREAMS key ... id ... */
import type { RedisExecutor } from '../connection.js';
import { assertName, bad, intArg, listArg } from './args.js';
import { assertStreamId, type IdForm } from './ids.js';
import { pairsOf, toEntries, toGroupEntries } from './reply.js';
import type { GroupReadEntry, StreamEntry, StreamFields, StreamOffset, StreamRead } from './types.js';

/** Options of {@link xread}. */
export interface XReadOptions {
  /** At most this many entries per stream (default: all). */
  count?: number;
  /** Wait up to this many ms for data; 0 = for ever (default: don't block). Holds the whole connection. */
  block?: number;
}

/** The `STREAMS k1 k2 ... id1 id2 ...` tail; keys must be distinct (a RESP3 map reply would merge them). */
export function streamsArgs(
  cmd: string,
  streams: StreamOffset | readonly StreamOffset[],
  ids: readonly IdForm[],
): string[] {
  const list = listArg(streams, `${cmd} streams`);
  const keys: string[] = [];
  const offsets: string[] = [];
  for (const s of list) {
    if (typeof s !== 'object' || s === null) bad(`${cmd} streams`, 'a list of { key, id }', s);
    assertName(s.key, `${cmd} stream key`);
    assertStreamId(s.id, `${cmd} id of ${JSON.stringify(s.key)}`, ids);
    if (keys.includes(s.key)) bad(`${cmd} stream key`, 'named once', s.key);
    keys.push(s.key);
    offsets.push(s.id);
  }
  return ['STREAMS', ...keys, ...offsets];
}

/** The `[COUNT n] [BLOCK ms]` part. */
export function countBlockArgs(
  cmd: string,
  opts: { count?: number | undefined; block?: number | undefined },
): string[] {
  const out: string[] = [];
  if (opts.count !== undefined) out.push('COUNT', intArg(opts.count, `${cmd} count`, 1));
  if (opts.block !== undefined) out.push('BLOCK', intArg(opts.block, `${cmd} block`));
  return out;
}

/** Arguments of XREAD; ids may be `$` (only newer entries) or `0`. */
export function xreadArgs(streams: StreamOffset | readonly StreamOffset[], opts: XReadOptions = {}): string[] {
  return ['XREAD', ...countBlockArgs('XREAD', opts), ...streamsArgs('XREAD', streams, ['$'])];
}

/** The `(stream, entries)` pairs of an XREAD/XREADGROUP reply, sorted by `order` when given. */
export function readPairs(raw: unknown, what: string, order?: readonly string[]): [string, unknown][] {
  if (raw === null || raw === undefined) return [];
  const pairs = pairsOf(raw, what);
  if (order) pairs.sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  return pairs;
}

/**
 * XREAD reply: RESP3 map `{stream: entries}` or RESP2 `[[stream, entries], ...]`; `null` (BLOCK timed out or
 * nothing to read) gives `[]`. `order` (the requested keys) restores request order, which a RESP3 object loses
 * for integer-like key names.
 */
export function xreadReply(raw: unknown, order?: readonly string[]): StreamRead[] {
  return readPairs(raw, 'XREAD', order).map(([stream, e]) => ({ stream, entries: toEntries(e, 'XREAD') }));
}

/** XREADGROUP reply, like {@link xreadReply}; deleted pending entries come back as `{ id, fields: null }`. */
export function xreadgroupReply(raw: unknown, order?: readonly string[]): StreamRead<GroupReadEntry>[] {
  return readPairs(raw, 'XREADGROUP', order).map(([stream, e]) => ({
    stream,
    entries: toGroupEntries(e, 'XREADGROUP'),
  }));
}

/** Read entries after the given ids from one or more streams; `[]` when there is nothing (or BLOCK timed out). */
export async function xread<F extends StreamFields = StreamFields>(
  exec: RedisExecutor,
  streams: StreamOffset | readonly StreamOffset[],
  opts?: XReadOptions,
): Promise<StreamRead<StreamEntry<F>>[]> {
  const list = listArg(streams, 'XREAD streams');
  const raw = await exec.send(xreadArgs(list, opts), list[0]?.key);
  return xreadReply(
    raw,
    list.map((s) => s.key),
  ) as StreamRead<StreamEntry<F>>[];
}
