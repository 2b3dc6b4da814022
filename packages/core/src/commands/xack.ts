/** XACK key group id [id ...]. */
import type { RedisExecutor } from '../connection.js';
import { assertName, listArg } from './args.js';
import { assertStreamId } from './ids.js';
import { num } from './reply.js';

/** Arguments of XACK. */
export function xackArgs(key: string, group: string, ids: string | readonly string[]): string[] {
  assertName(key, 'XACK key');
  assertName(group, 'XACK group');
  const list = listArg(ids, 'XACK ids');
  for (const id of list) assertStreamId(id, 'XACK id');
  return ['XACK', key, group, ...list];
}

/** XACK reply: entries removed from the pending list. */
export function xackReply(raw: unknown): number {
  return num(raw, 'XACK');
}

/** Acknowledge entries of `group`; resolves to how many were pending (others are ignored). */
export async function xack(
  exec: RedisExecutor,
  key: string,
  group: string,
  ids: string | readonly string[],
): Promise<number> {
  return xackReply(await exec.send(xackArgs(key, group, ids), key));
}
