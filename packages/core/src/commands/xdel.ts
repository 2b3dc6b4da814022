/** XDEL key id [id ...]. */
import type { RedisExecutor } from '../connection.js';
import { assertName, listArg } from './args.js';
import { assertStreamId } from './ids.js';
import { num } from './reply.js';

/** Arguments of XDEL. */
export function xdelArgs(key: string, ids: string | readonly string[]): string[] {
  assertName(key, 'XDEL key');
  const list = listArg(ids, 'XDEL ids');
  for (const id of list) assertStreamId(id, 'XDEL id');
  return ['XDEL', key, ...list];
}

/** XDEL reply: entries deleted. */
export function xdelReply(raw: unknown): number {
  return num(raw, 'XDEL');
}

/** Delete entries; resolves to how many existed. Pending-list references stay (XAUTOCLAIM reports them). */
export async function xdel(exec: RedisExecutor, key: string, ids: string | readonly string[]): Promise<number> {
  return xdelReply(await exec.send(xdelArgs(key, ids), key));
}
