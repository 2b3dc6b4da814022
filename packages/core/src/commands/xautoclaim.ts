/** XAUTOCLAIM key group consumer min-idle-time start [COUNT n] [JUSTID] */
import type { RedisExecutor } from '../connection.js';
import { assertName, intArg } from './args.js';
import { assertStreamId } from './ids.js';
import { arr, str, toGroupEntries, toIds, unexpected } from './reply.js';
import type { StreamEntry, StreamFields } from './types.js';

/** Options of {@link xautoclaim}. */
export interface XAutoClaimOptions {
  /** Claim at most this many entries, scanning at most 10× as many (default 100, Redis's default). */
  count?: number;
}

/** What XAUTOCLAIM claimed. */
export interface AutoClaimResult<F extends StreamFields = StreamFields> {
  /** Cursor for the next call; `0-0` when the scan is complete. */
  nextId: string;
  /** The claimed entries. */
  entries: StreamEntry<F>[];
  /** Pending ids whose entries no longer exist (removed from the pending list); empty on Redis 6.2. */
  deletedIds: string[];
}

/** What XAUTOCLAIM JUSTID claimed. */
export interface AutoClaimIdsResult {
  /** Cursor for the next call; `0-0` when the scan is complete. */
  nextId: string;
  /** The claimed ids. */
  ids: string[];
  /** Pending ids whose entries no longer exist (removed from the pending list); empty on Redis 6.2. */
  deletedIds: string[];
}

/** Arguments of XAUTOCLAIM; `start` is an id or `0` (`0-0`) to scan from the beginning. */
export function xautoclaimArgs(
  key: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  start: string,
  opts: XAutoClaimOptions = {},
  justId = false,
): string[] {
  assertName(key, 'XAUTOCLAIM key');
  assertName(group, 'XAUTOCLAIM group');
  assertName(consumer, 'XAUTOCLAIM consumer');
  assertStreamId(start, 'XAUTOCLAIM start', ['-']);
  const out = ['XAUTOCLAIM', key, group, consumer, intArg(minIdleMs, 'XAUTOCLAIM minIdleMs'), start];
  if (opts.count !== undefined) out.push('COUNT', intArg(opts.count, 'XAUTOCLAIM count', 1));
  if (justId) out.push('JUSTID');
  return out;
}

function parts(raw: unknown, what: string): [string, unknown, string[]] {
  const reply = arr(raw, what);
  if (reply.length !== 2 && reply.length !== 3) return unexpected(what, raw);
  return [str(reply[0], what), reply[1], reply.length === 3 ? toIds(reply[2], what) : []];
}

/** XAUTOCLAIM reply `[next, entries, deleted?]` (the third element exists since Redis 7.0). */
export function xautoclaimReply(raw: unknown): AutoClaimResult {
  const [nextId, list, deletedIds] = parts(raw, 'XAUTOCLAIM');
  const entries: StreamEntry[] = [];
  for (const e of toGroupEntries(list, 'XAUTOCLAIM')) {
    if (e.fields) entries.push({ id: e.id, fields: e.fields });
    else deletedIds.push(e.id);
  }
  return { nextId, entries, deletedIds };
}

/** XAUTOCLAIM JUSTID reply `[next, ids, deleted?]`. */
export function xautoclaimJustIdReply(raw: unknown): AutoClaimIdsResult {
  const [nextId, ids, deletedIds] = parts(raw, 'XAUTOCLAIM JUSTID');
  return { nextId, ids: toIds(ids, 'XAUTOCLAIM JUSTID'), deletedIds };
}

/**
 * Claim pending entries idle for at least `minIdleMs`, scanning from `start`; loop on `nextId` until `0-0`.
 * Increments each claimed entry's delivery counter; deleted entries are reported in `deletedIds`.
 */
export async function xautoclaim<F extends StreamFields = StreamFields>(
  exec: RedisExecutor,
  key: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  start: string,
  opts?: XAutoClaimOptions,
): Promise<AutoClaimResult<F>> {
  const raw = await exec.send(xautoclaimArgs(key, group, consumer, minIdleMs, start, opts), key);
  return xautoclaimReply(raw) as AutoClaimResult<F>;
}

/** Like {@link xautoclaim} with JUSTID: ids only, delivery counters not incremented. */
export async function xautoclaimJustId(
  exec: RedisExecutor,
  key: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  start: string,
  opts?: XAutoClaimOptions,
): Promise<AutoClaimIdsResult> {
  return xautoclaimJustIdReply(
    await exec.send(xautoclaimArgs(key, group, consumer, minIdleMs, start, opts, true), key),
  );
}
