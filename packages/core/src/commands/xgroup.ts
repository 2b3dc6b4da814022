/** XGROUP CREATE | CREATECONSUMER | DELCONSUMER | DESTROY | SETID. */
import type { RedisExecutor } from '../connection.js';
import { assertFlag, assertName, intArg } from './args.js';
import { assertStreamId } from './ids.js';
import { num, str, unexpected } from './reply.js';

/** Options of {@link xgroupCreate}. */
export interface XGroupCreateOptions {
  /** Create an empty stream when it is missing (default false: a missing stream is an error). */
  mkStream?: boolean;
  /** The group's entries-read counter, for an exact lag (default: unknown until read; -1 = unknown). */
  entriesRead?: number;
}

/** Options of {@link xgroupSetId}. */
export interface XGroupSetIdOptions {
  /** The group's entries-read counter (default: unknown; -1 = unknown). */
  entriesRead?: number;
}

const entriesReadArgs = (cmd: string, n: number | undefined): string[] =>
  n === undefined ? [] : ['ENTRIESREAD', intArg(n, `${cmd} entriesRead`, -1)];

/** True when `err` is Redis's BUSYGROUP error (the group already exists). */
export function isBusyGroupError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('BUSYGROUP');
}

/** True when `err` is Redis's NOGROUP error (the stream or the group is missing). */
export function isNoGroupError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOGROUP');
}

/** Arguments of XGROUP CREATE; `id` is `0` (read from the beginning), `$` (only new entries) or an id. */
export function xgroupCreateArgs(key: string, group: string, id: string, opts: XGroupCreateOptions = {}): string[] {
  assertName(key, 'XGROUP CREATE key');
  assertName(group, 'XGROUP CREATE group');
  assertStreamId(id, 'XGROUP CREATE id', ['0', '$']);
  assertFlag(opts.mkStream, 'XGROUP CREATE mkStream');
  const out = ['XGROUP', 'CREATE', key, group, id];
  if (opts.mkStream) out.push('MKSTREAM');
  return [...out, ...entriesReadArgs('XGROUP CREATE', opts.entriesRead)];
}

/** Arguments of XGROUP CREATECONSUMER, DELCONSUMER (consumer given) or DESTROY. */
export function xgroupArgs(
  sub: 'CREATECONSUMER' | 'DELCONSUMER',
  key: string,
  group: string,
  consumer: string,
): string[];
/** Arguments of XGROUP DESTROY. */
export function xgroupArgs(sub: 'DESTROY', key: string, group: string): string[];
export function xgroupArgs(sub: string, key: string, group: string, consumer?: string): string[] {
  assertName(key, `XGROUP ${sub} key`);
  assertName(group, `XGROUP ${sub} group`);
  if (sub === 'DESTROY') return ['XGROUP', sub, key, group];
  assertName(consumer, `XGROUP ${sub} consumer`);
  return ['XGROUP', sub, key, group, consumer];
}

/** Arguments of XGROUP SETID; `id` is `0`, `$` or an id. */
export function xgroupSetIdArgs(key: string, group: string, id: string, opts: XGroupSetIdOptions = {}): string[] {
  assertName(key, 'XGROUP SETID key');
  assertName(group, 'XGROUP SETID group');
  assertStreamId(id, 'XGROUP SETID id', ['0', '$']);
  return ['XGROUP', 'SETID', key, group, id, ...entriesReadArgs('XGROUP SETID', opts.entriesRead)];
}

/** An `OK` reply. */
export function okReply(raw: unknown): void {
  if (str(raw, 'XGROUP') !== 'OK') unexpected('XGROUP', raw);
}

/** An integer reply 1/0 as a boolean. */
export function boolReply(raw: unknown): boolean {
  return num(raw, 'XGROUP') > 0;
}

/** Create a consumer group. Throws BUSYGROUP when it exists (see {@link xgroupEnsure}). */
export async function xgroupCreate(
  exec: RedisExecutor,
  key: string,
  group: string,
  id: string,
  opts?: XGroupCreateOptions,
): Promise<void> {
  okReply(await exec.send(xgroupCreateArgs(key, group, id, opts), key));
}

/** Create a consumer group unless it exists: `true` when created, `false` on BUSYGROUP; other errors rethrown. */
export async function xgroupEnsure(
  exec: RedisExecutor,
  key: string,
  group: string,
  id: string,
  opts?: XGroupCreateOptions,
): Promise<boolean> {
  const args = xgroupCreateArgs(key, group, id, opts);
  try {
    okReply(await exec.send(args, key));
    return true;
  } catch (err) {
    if (isBusyGroupError(err)) return false;
    throw err;
  }
}

/** Destroy a group and its pending list: `true` when it existed. */
export async function xgroupDestroy(exec: RedisExecutor, key: string, group: string): Promise<boolean> {
  return boolReply(await exec.send(xgroupArgs('DESTROY', key, group), key));
}

/** Create a consumer in a group: `true` when created, `false` when it existed. */
export async function xgroupCreateConsumer(
  exec: RedisExecutor,
  key: string,
  group: string,
  consumer: string,
): Promise<boolean> {
  return boolReply(await exec.send(xgroupArgs('CREATECONSUMER', key, group, consumer), key));
}

/**
 * Delete a consumer; resolves to how many entries it still had pending. DANGER: those entries are dropped from
 * the pending list and orphaned for good (no XAUTOCLAIM finds them); delete only consumers with nothing pending.
 */
export async function xgroupDelConsumer(
  exec: RedisExecutor,
  key: string,
  group: string,
  consumer: string,
): Promise<number> {
  return num(await exec.send(xgroupArgs('DELCONSUMER', key, group, consumer), key), 'XGROUP DELCONSUMER');
}

/** Move the group's last delivered id (`0` re-delivers everything, `$` skips to the end). */
export async function xgroupSetId(
  exec: RedisExecutor,
  key: string,
  group: string,
  id: string,
  opts?: XGroupSetIdOptions,
): Promise<void> {
  okReply(await exec.send(xgroupSetIdArgs(key, group, id, opts), key));
}
