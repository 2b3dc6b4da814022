/**
 * XRANGE key start end [COUNT n] and XREVRANGE key start end [COUNT n], in Redis's order: `start` is where the
 * read begins (the lowest id for XRANGE, the highest for XREVRANGE). A range given the wrong way round is
 * rejected naming both bounds, where Redis would quietly answer `[]`.
 */
import type { RedisExecutor } from '../connection.js';
import { SluiceArgumentError } from '../errors.js';
import { assertFlag, assertName, bad, intArg, show } from './args.js';
import { assertStreamId } from './ids.js';
import { toEntries } from './reply.js';
import type { StreamEntry, StreamFields } from './types.js';

/** Options of {@link xrange} and {@link xrevrange}. */
export interface XRangeOptions {
  /**
   * Where the read begins; `(id` excludes it. XRANGE: the lowest id (default `-`, the first entry). XREVRANGE:
   * the highest id (default `+`, the last entry), as in Redis.
   */
  start?: string;
  /**
   * Where the read ends; `(id` excludes it. XRANGE: the highest id (default `+`). XREVRANGE: the lowest id
   * (default `-`).
   */
  end?: string;
  /** At most this many entries (default: all). */
  count?: number;
  /** Exclude `start` itself (default false). */
  exclusiveStart?: boolean;
  /** Exclude `end` itself (default false). */
  exclusiveEnd?: boolean;
}

const MAX_PART = 18446744073709551615n;

function bound(cmd: string, name: string, id: string, exclusive: boolean | undefined): string {
  assertStreamId(id, `${cmd} ${name}`, ['-', '+', '(']);
  assertFlag(exclusive, `${cmd} exclusive${name === 'start' ? 'Start' : 'End'}`);
  if (!exclusive || id.startsWith('(')) return id;
  if (id === '-' || id === '+') bad(`${cmd} ${name}`, 'a stream id when exclusive (not - or +)', id);
  return `(${id}`;
}

/** `[ms, seq]` of a checked bound; a bound without `-seq` takes the seq that widens the range (`seqIfBare`). */
function position(id: string, seqIfBare: bigint): [bigint, bigint] {
  if (id === '-') return [0n, 0n];
  if (id === '+') return [MAX_PART, MAX_PART];
  const plain = id.startsWith('(') ? id.slice(1) : id;
  const dash = plain.indexOf('-');
  if (dash < 0) return [BigInt(plain), seqIfBare];
  return [BigInt(plain.slice(0, dash)), BigInt(plain.slice(dash + 1))];
}

/** True when the range's low bound is above its high bound (a range no entry can be in). */
function inverted(low: string, high: string): boolean {
  const [lm, ls] = position(low, 0n);
  const [hm, hs] = position(high, MAX_PART);
  return lm > hm || (lm === hm && ls > hs);
}

function rangeArgs(cmd: 'XRANGE' | 'XREVRANGE', key: string, opts: XRangeOptions): string[] {
  assertName(key, `${cmd} key`);
  const rev = cmd === 'XREVRANGE';
  const start = bound(cmd, 'start', opts.start ?? (rev ? '+' : '-'), opts.exclusiveStart);
  const end = bound(cmd, 'end', opts.end ?? (rev ? '-' : '+'), opts.exclusiveEnd);
  if (rev ? inverted(end, start) : inverted(start, end)) {
    const order = rev ? 'at or above end (XREVRANGE reads from start down to end)' : 'at or below end';
    throw new SluiceArgumentError(`${cmd} start must be ${order}; got start ${show(start)}, end ${show(end)}`);
  }
  const out = [cmd, key, start, end];
  if (opts.count !== undefined) out.push('COUNT', intArg(opts.count, `${cmd} count`));
  return out;
}

/** Arguments of XRANGE (oldest first: `start` is the low bound). */
export function xrangeArgs(key: string, opts: XRangeOptions = {}): string[] {
  return rangeArgs('XRANGE', key, opts);
}

/** Arguments of XREVRANGE (newest first: `start` is the high bound, as in Redis). */
export function xrevrangeArgs(key: string, opts: XRangeOptions = {}): string[] {
  return rangeArgs('XREVRANGE', key, opts);
}

/** XRANGE / XREVRANGE reply as entries; `null` (what `COUNT 0` gives on an existing stream) is `[]`. */
export function xrangeReply(raw: unknown): StreamEntry[] {
  return raw === null ? [] : toEntries(raw, 'XRANGE');
}

/** Entries from `start` up to `end`, oldest first (`F` is not checked). A missing stream gives `[]`. */
export async function xrange<F extends StreamFields = StreamFields>(
  exec: RedisExecutor,
  key: string,
  opts?: XRangeOptions,
): Promise<StreamEntry<F>[]> {
  return xrangeReply(await exec.send(xrangeArgs(key, opts), key)) as StreamEntry<F>[];
}

/**
 * Entries from `start` (the highest id) down to `end` (the lowest), newest first, as Redis's XREVRANGE and
 * node-redis take them (`F` is not checked). A missing stream gives `[]`.
 */
export async function xrevrange<F extends StreamFields = StreamFields>(
  exec: RedisExecutor,
  key: string,
  opts?: XRangeOptions,
): Promise<StreamEntry<F>[]> {
  return xrangeReply(await exec.send(xrevrangeArgs(key, opts), key)) as StreamEntry<F>[];
}
