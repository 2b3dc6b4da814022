/** XRANGE key start end [COUNT n] and XREVRANGE key end start [COUNT n]. */
import type { RedisExecutor } from '../connection.js';
import { assertFlag, assertName, bad, intArg } from './args.js';
import { assertStreamId } from './ids.js';
import { toEntries } from './reply.js';
import type { StreamEntry, StreamFields } from './types.js';

/** Options of {@link xrange} and {@link xrevrange}. */
export interface XRangeOptions {
  /** Lowest id (default `-`, the first entry); `(id` excludes it. */
  start?: string;
  /** Highest id (default `+`, the last entry); `(id` excludes it. */
  end?: string;
  /** At most this many entries (default: all). */
  count?: number;
  /** Exclude `start` itself (default false). */
  exclusiveStart?: boolean;
  /** Exclude `end` itself (default false). */
  exclusiveEnd?: boolean;
}

function bound(cmd: string, name: string, id: string, exclusive: boolean | undefined): string {
  assertStreamId(id, `${cmd} ${name}`, ['-', '+', '(']);
  assertFlag(exclusive, `${cmd} exclusive${name === 'start' ? 'Start' : 'End'}`);
  if (!exclusive || id.startsWith('(')) return id;
  if (id === '-' || id === '+') bad(`${cmd} ${name}`, 'a stream id when exclusive (not - or +)', id);
  return `(${id}`;
}

function rangeArgs(cmd: 'XRANGE' | 'XREVRANGE', key: string, opts: XRangeOptions): string[] {
  assertName(key, `${cmd} key`);
  const start = bound(cmd, 'start', opts.start ?? '-', opts.exclusiveStart);
  const end = bound(cmd, 'end', opts.end ?? '+', opts.exclusiveEnd);
  const out = cmd === 'XRANGE' ? [cmd, key, start, end] : [cmd, key, end, start];
  if (opts.count !== undefined) out.push('COUNT', intArg(opts.count, `${cmd} count`));
  return out;
}

/** Arguments of XRANGE (oldest first). */
export function xrangeArgs(key: string, opts: XRangeOptions = {}): string[] {
  return rangeArgs('XRANGE', key, opts);
}

/** Arguments of XREVRANGE: `end` (the high bound) goes first on the wire. */
export function xrevrangeArgs(key: string, opts: XRangeOptions = {}): string[] {
  return rangeArgs('XREVRANGE', key, opts);
}

/** XRANGE / XREVRANGE reply as entries; `null` (what `COUNT 0` gives on an existing stream) is `[]`. */
export function xrangeReply(raw: unknown): StreamEntry[] {
  return raw === null ? [] : toEntries(raw, 'XRANGE');
}

/** Entries from `start` to `end`, oldest first (`F` is not checked). A missing stream gives `[]`. */
export async function xrange<F extends StreamFields = StreamFields>(
  exec: RedisExecutor,
  key: string,
  opts?: XRangeOptions,
): Promise<StreamEntry<F>[]> {
  return xrangeReply(await exec.send(xrangeArgs(key, opts), key)) as StreamEntry<F>[];
}

/** Entries from `end` down to `start`, newest first (`F` is not checked). A missing stream gives `[]`. */
export async function xrevrange<F extends StreamFields = StreamFields>(
  exec: RedisExecutor,
  key: string,
  opts?: XRangeOptions,
): Promise<StreamEntry<F>[]> {
  return xrangeReply(await exec.send(xrevrangeArgs(key, opts), key)) as StreamEntry<F>[];
}
