/** XINFO STREAM key, XINFO GROUPS key, XINFO CONSUMERS key group. */
import type { RedisExecutor } from '../connection.js';
import { assertName } from './args.js';
import { arr, mapOrPairs, num, numOrNull, str, strOrNull, toEntryOrNull } from './reply.js';
import type { StreamEntry } from './types.js';

/** XINFO STREAM in short. */
export interface StreamInfo {
  /** Entries in the stream. */
  length: number;
  /** Id of the last entry ever added (`0-0` for a new stream). */
  lastGeneratedId: string;
  /** Highest id ever deleted (Redis >= 7.0; `0-0` when none). */
  maxDeletedEntryId?: string;
  /** Entries ever added (Redis >= 7.0). */
  entriesAdded?: number;
  /** Consumer groups on the stream. */
  groups: number;
  /** The oldest entry, or `null` when empty. */
  firstEntry: StreamEntry | null;
  /** The newest entry, or `null` when empty. */
  lastEntry: StreamEntry | null;
}

/** One consumer group (XINFO GROUPS). */
export interface GroupInfo {
  /** The group's name. */
  name: string;
  /** Consumers in the group. */
  consumers: number;
  /** Entries delivered and not yet acknowledged. */
  pending: number;
  /** Id of the last entry delivered to the group. */
  lastDeliveredId: string;
  /** Entries the group has read, or `null` when unknown (or Redis < 7.0). */
  entriesRead: number | null;
  /** Entries not yet delivered, or `null` when Redis can't tell (e.g. after some XDELs) or Redis < 7.0. */
  lag: number | null;
}

/** One consumer of a group (XINFO CONSUMERS). */
export interface ConsumerInfo {
  /** The consumer's name. */
  name: string;
  /** Entries it holds pending. */
  pending: number;
  /** Milliseconds since it last interacted (read, claimed, acked). */
  idleMs: number;
  /** Milliseconds since its last successful read or claim, or `null` (no such field before Redis 7.2). */
  inactiveMs: number | null;
}

/** Arguments of XINFO STREAM. */
export function xinfoStreamArgs(key: string): string[] {
  assertName(key, 'XINFO STREAM key');
  return ['XINFO', 'STREAM', key];
}

/** Arguments of XINFO GROUPS. */
export function xinfoGroupsArgs(key: string): string[] {
  assertName(key, 'XINFO GROUPS key');
  return ['XINFO', 'GROUPS', key];
}

/** Arguments of XINFO CONSUMERS. */
export function xinfoConsumersArgs(key: string, group: string): string[] {
  assertName(key, 'XINFO CONSUMERS key');
  assertName(group, 'XINFO CONSUMERS group');
  return ['XINFO', 'CONSUMERS', key, group];
}

/** XINFO STREAM reply (RESP3 map or RESP2 flat array). */
export function xinfoStreamReply(raw: unknown): StreamInfo {
  const m = mapOrPairs(raw, 'XINFO STREAM');
  const info: StreamInfo = {
    length: num(m.length, 'XINFO STREAM length'),
    lastGeneratedId: str(m['last-generated-id'], 'XINFO STREAM last-generated-id'),
    groups: num(m.groups, 'XINFO STREAM groups'),
    firstEntry: toEntryOrNull(m['first-entry'], 'XINFO STREAM first-entry'),
    lastEntry: toEntryOrNull(m['last-entry'], 'XINFO STREAM last-entry'),
  };
  const maxDeleted = strOrNull(m['max-deleted-entry-id'], 'XINFO STREAM max-deleted-entry-id');
  if (maxDeleted !== null) info.maxDeletedEntryId = maxDeleted;
  const added = numOrNull(m['entries-added'], 'XINFO STREAM entries-added');
  if (added !== null) info.entriesAdded = added;
  return info;
}

/** XINFO GROUPS reply: a list of maps. */
export function xinfoGroupsReply(raw: unknown): GroupInfo[] {
  return arr(raw, 'XINFO GROUPS').map((g) => {
    const m = mapOrPairs(g, 'XINFO GROUPS');
    return {
      name: str(m.name, 'XINFO GROUPS name'),
      consumers: num(m.consumers, 'XINFO GROUPS consumers'),
      pending: num(m.pending, 'XINFO GROUPS pending'),
      lastDeliveredId: str(m['last-delivered-id'], 'XINFO GROUPS last-delivered-id'),
      entriesRead: numOrNull(m['entries-read'], 'XINFO GROUPS entries-read'),
      lag: numOrNull(m.lag, 'XINFO GROUPS lag'),
    };
  });
}

/** XINFO CONSUMERS reply: a list of maps. */
export function xinfoConsumersReply(raw: unknown): ConsumerInfo[] {
  return arr(raw, 'XINFO CONSUMERS').map((c) => {
    const m = mapOrPairs(c, 'XINFO CONSUMERS');
    return {
      name: str(m.name, 'XINFO CONSUMERS name'),
      pending: num(m.pending, 'XINFO CONSUMERS pending'),
      idleMs: num(m.idle, 'XINFO CONSUMERS idle'),
      inactiveMs: numOrNull(m.inactive, 'XINFO CONSUMERS inactive'),
    };
  });
}

/** Facts about a stream. Throws `ERR no such key` when it is missing. */
export async function xinfoStream(exec: RedisExecutor, key: string): Promise<StreamInfo> {
  return xinfoStreamReply(await exec.send(xinfoStreamArgs(key), key));
}

/** The stream's consumer groups. Throws `ERR no such key` when it is missing. */
export async function xinfoGroups(exec: RedisExecutor, key: string): Promise<GroupInfo[]> {
  return xinfoGroupsReply(await exec.send(xinfoGroupsArgs(key), key));
}

/** The consumers of a group. Throws NOGROUP when the group is missing. */
export async function xinfoConsumers(exec: RedisExecutor, key: string, group: string): Promise<ConsumerInfo[]> {
  return xinfoConsumersReply(await exec.send(xinfoConsumersArgs(key, group), key));
}
