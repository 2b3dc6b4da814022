/** XLEN key. */
import type { RedisExecutor } from '../connection.js';
import { assertName } from './args.js';
import { num } from './reply.js';

/** Arguments of XLEN. */
export function xlenArgs(key: string): string[] {
  assertName(key, 'XLEN key');
  return ['XLEN', key];
}

/** XLEN reply. */
export function xlenReply(raw: unknown): number {
  return num(raw, 'XLEN');
}

/** Number of entries in the stream (0 when it is missing). */
export async function xlen(exec: RedisExecutor, key: string): Promise<number> {
  return xlenReply(await exec.send(xlenArgs(key), key));
}
