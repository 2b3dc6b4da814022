/**
 * A Lua script run with EVALSHA, falling back to EVAL on NOSCRIPT (managed and clustered Redis may have flushed
 * or never seen the script). Works on any {@link RedisExecutor}, so also on clients Sluice did not create.
 */
import { createHash } from 'node:crypto';
import type { RedisExecutor } from '../connection.js';

/** A named Lua script with its SHA1. */
export class LuaScript {
  /** SHA1 of the source, as EVALSHA wants it. */
  readonly sha: string;
  constructor(
    /** Name for messages (the file name without `.lua.ts`). */
    readonly name: string,
    /** Lua source. */
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Run with `keys` (all on one hash tag) and string `args`. */
  async run(exec: RedisExecutor, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await exec.send(['EVALSHA', this.sha, ...tail], keys[0]);
    } catch (e) {
      if (!String((e as Error)?.message).startsWith('NOSCRIPT')) throw e;
      return exec.send(['EVAL', this.source, ...tail], keys[0]);
    }
  }
}
