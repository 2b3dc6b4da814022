/** XPENDING key group (summary) and XPENDING key group [IDLE ms] start end count [consumer] (extended). */
import type { RedisExecutor } from '../connection.js';
import { assertName, bad, intArg } from './args.js';
import { assertStreamId } from './ids.js';
import { arr, num, str, strOrNull, unexpected } from './reply.js';

/** The pending list of a group in short: how many entries, the lowest and highest id, and per consumer. */
export interface PendingSummary {
  /** Entries delivered and not yet acknowledged. */
  count: number;
  /** Lowest pending id, or `null` when nothing is pending. */
  firstId: string | null;
  /** Highest pending id, or `null` when nothing is pending. */
  lastId: string | null;
  /** Consumers holding pending entries, with how many each holds (not a delivery count). */
  consumers: { name: string; pending: number }[];
}

/** One entry of the pending list. */
export interface PendingEntry {
  /** The entry id. */
  id: string;
  /** The consumer that holds it. */
  consumer: string;
  /** Milliseconds since it was last delivered (or claimed). */
  idleMs: number;
  /** How many times it was delivered. */
  deliveries: number;
}

/** Options of {@link xpendingRange}. */
export interface XPendingRangeOptions {
  /** Lowest id (default `-`); `(id` excludes it. */
  start?: string;
  /** Highest id (default `+`); `(id` excludes it. */
  end?: string;
  /** At most this many entries (required). */
  count: number;
  /** Only entries idle at least this many ms (default: any). */
  idle?: number;
  /** Only entries of this consumer (default: all consumers). */
  consumer?: string;
}

/** Arguments of the summary XPENDING. */
export function xpendingArgs(key: string, group: string): string[] {
  assertName(key, 'XPENDING key');
  assertName(group, 'XPENDING group');
  return ['XPENDING', key, group];
}

/** Arguments of the extended XPENDING. */
export function xpendingRangeArgs(key: string, group: string, opts: XPendingRangeOptions): string[] {
  const out = xpendingArgs(key, group);
  if (typeof opts !== 'object' || opts === null) bad('XPENDING options', 'an object with a count', opts);
  if (opts.idle !== undefined) out.push('IDLE', intArg(opts.idle, 'XPENDING idle'));
  const start = opts.start ?? '-';
  const end = opts.end ?? '+';
  assertStreamId(start, 'XPENDING start', ['-', '+', '(']);
  assertStreamId(end, 'XPENDING end', ['-', '+', '(']);
  out.push(start, end, intArg(opts.count, 'XPENDING count'));
  if (opts.consumer !== undefined) {
    assertName(opts.consumer, 'XPENDING consumer');
    out.push(opts.consumer);
  }
  return out;
}

/** Summary XPENDING reply `[count, first, last, [[consumer, "n"], ...] | null]` (counts arrive as strings). */
export function xpendingReply(raw: unknown): PendingSummary {
  const [count, first, last, consumers] = arr(raw, 'XPENDING');
  return {
    count: num(count, 'XPENDING'),
    firstId: strOrNull(first, 'XPENDING'),
    lastId: strOrNull(last, 'XPENDING'),
    consumers:
      consumers === null || consumers === undefined
        ? []
        : arr(consumers, 'XPENDING').map((c) => {
            const [name, pending] = arr(c, 'XPENDING consumer');
            return { name: str(name, 'XPENDING'), pending: num(pending, 'XPENDING') };
          }),
  };
}

/** Extended XPENDING reply `[[id, consumer, idle, deliveries], ...]`. */
export function xpendingRangeReply(raw: unknown): PendingEntry[] {
  return arr(raw, 'XPENDING').map((e) => {
    const row = arr(e, 'XPENDING entry');
    if (row.length !== 4) return unexpected('XPENDING entry', e);
    const [id, consumer, idle, deliveries] = row;
    return { id: str(id), consumer: str(consumer), idleMs: num(idle), deliveries: num(deliveries) };
  });
}

/** Summary of the group's pending list. Throws NOGROUP when the stream or group is missing. */
export async function xpending(exec: RedisExecutor, key: string, group: string): Promise<PendingSummary> {
  return xpendingReply(await exec.send(xpendingArgs(key, group), key));
}

/** Pending entries from `start` to `end` (oldest first), at most `count`. */
export async function xpendingRange(
  exec: RedisExecutor,
  key: string,
  group: string,
  opts: XPendingRangeOptions,
): Promise<PendingEntry[]> {
  return xpendingRangeReply(await exec.send(xpendingRangeArgs(key, group, opts), key));
}
