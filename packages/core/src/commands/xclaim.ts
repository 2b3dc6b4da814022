/** XCLAIM key group consumer min-idle-time id ... [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id] */
import type { RedisExecutor } from '../connection.js';
import { assertFlag, assertName, bad, intArg, listArg } from './args.js';
import { assertStreamId } from './ids.js';
import { toEntries, toIds } from './reply.js';
import type { StreamEntry, StreamFields } from './types.js';

/** Options of {@link xclaim}. */
export interface XClaimOptions {
  /** Set the entries' idle time to this many ms (default 0: claiming resets it). Not with `time`. */
  idle?: number;
  /** Set the last delivery time to this Unix time in ms (default: now). Not with `idle`. */
  time?: number;
  /** Set the delivery counter to this value (default: incremented by one, or unchanged with JUSTID). */
  retryCount?: number;
  /** Create pending entries for ids that are not pending yet (they must exist in the stream) (default false). */
  force?: boolean;
  /** Set the group's last delivered id to this if higher (default: unchanged). */
  lastId?: string;
}

/** Arguments of XCLAIM (`justId` adds JUSTID: ids only, delivery counter not incremented). */
export function xclaimArgs(
  key: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  ids: string | readonly string[],
  opts: XClaimOptions = {},
  justId = false,
): string[] {
  assertName(key, 'XCLAIM key');
  assertName(group, 'XCLAIM group');
  assertName(consumer, 'XCLAIM consumer');
  const list = listArg(ids, 'XCLAIM ids');
  for (const id of list) assertStreamId(id, 'XCLAIM id');
  const out = ['XCLAIM', key, group, consumer, intArg(minIdleMs, 'XCLAIM minIdleMs'), ...list];
  if (opts.idle !== undefined && opts.time !== undefined) bad('XCLAIM time', 'absent when idle is given', opts.time);
  if (opts.idle !== undefined) out.push('IDLE', intArg(opts.idle, 'XCLAIM idle'));
  if (opts.time !== undefined) out.push('TIME', intArg(opts.time, 'XCLAIM time'));
  if (opts.retryCount !== undefined) out.push('RETRYCOUNT', intArg(opts.retryCount, 'XCLAIM retryCount'));
  assertFlag(opts.force, 'XCLAIM force');
  if (opts.force) out.push('FORCE');
  if (justId) out.push('JUSTID');
  if (opts.lastId !== undefined) {
    assertStreamId(opts.lastId, 'XCLAIM lastId');
    out.push('LASTID', opts.lastId);
  }
  return out;
}

/** XCLAIM reply: the claimed entries (Redis 7 skips deleted ones; a Redis 6 `nil` is skipped too). */
export function xclaimReply(raw: unknown): StreamEntry[] {
  return toEntries(raw, 'XCLAIM');
}

/** XCLAIM JUSTID reply: the claimed ids. */
export function xclaimJustIdReply(raw: unknown): string[] {
  return toIds(raw, 'XCLAIM JUSTID');
}

/**
 * Take over pending entries idle for at least `minIdleMs`; resolves to those claimed. Entries deleted from the
 * stream are dropped from the pending list and not returned (Redis >= 7). Doesn't check the current owner.
 */
export async function xclaim<F extends StreamFields = StreamFields>(
  exec: RedisExecutor,
  key: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  ids: string | readonly string[],
  opts?: XClaimOptions,
): Promise<StreamEntry<F>[]> {
  return xclaimReply(await exec.send(xclaimArgs(key, group, consumer, minIdleMs, ids, opts), key)) as StreamEntry<F>[];
}

/** Like {@link xclaim} with JUSTID: resolves to the claimed ids and leaves the delivery counter alone. */
export async function xclaimJustId(
  exec: RedisExecutor,
  key: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  ids: string | readonly string[],
  opts?: XClaimOptions,
): Promise<string[]> {
  return xclaimJustIdReply(await exec.send(xclaimArgs(key, group, consumer, minIdleMs, ids, opts, true), key));
}
