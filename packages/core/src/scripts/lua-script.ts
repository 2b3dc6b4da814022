/**
 * A Lua script run with EVALSHA, falling back to EVAL on NOSCRIPT (managed and clustered Redis may have flushed
 * or never seen the script). Works on any {@link RedisExecutor}, so also on clients Sluice did not create.
 */
import { createHash } from 'node:crypto';
import type { RedisExecutor } from '../connection.js';

/**
 * The script without whole-line `--` comments, indentation and blank lines: Redis keeps every script body in
 * its script cache for good (and parses it on EVAL), so what it holds after a drained queue stays small. Our
 * scripts have no multi-line strings or block comments, which this would break.
 */
export function compactLua(source: string): string {
  return source
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('--'))
    .join('\n');
}

/** A named Lua script with its SHA1. */
export class LuaScript {
  /** SHA1 of the source, as EVALSHA wants it. */
  readonly sha: string;
  /** The source as sent: {@link compactLua} of the given one. */
  readonly source: string;
  constructor(
    /** Name for messages (the transition, as in the module name). */
    readonly name: string,
    /** Lua source. */
    source: string,
  ) {
    this.source = compactLua(source);
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  /**
   * Run with `keys` (all on one hash tag) and string `args`. A cluster's TRYAGAIN (a multi-key call during a
   * slot migration) and CLUSTERDOWN mean the script did not run, so they are retried: up to 8 times, with
   * jittered backoff from 25 ms to 500 ms.
   */
  async run(exec: RedisExecutor, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runOnce(exec, keys, args);
      } catch (e) {
        if (attempt >= 7 || !RETRYABLE.test(String((e as Error)?.message))) throw e;
        const ms = Math.min(500, 25 * 2 ** attempt);
        await new Promise((r) => setTimeout(r, ms / 2 + Math.random() * (ms / 2)));
      }
    }
  }

  /**
   * Run once: no retry of TRYAGAIN or CLUSTERDOWN, for a caller that recovers a failed write itself (a retry still
   * pending when it gives up could write twice). NOSCRIPT still falls back to EVAL.
   */
  async runOnce(exec: RedisExecutor, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    // one array, no spreads: enqueue-batch passes a thousand payloads
    const cmd: string[] = new Array(3 + keys.length + args.length);
    cmd[0] = 'EVALSHA';
    cmd[1] = this.sha;
    cmd[2] = String(keys.length);
    for (let k = 0; k < keys.length; k++) cmd[3 + k] = keys[k] as string;
    for (let k = 0; k < args.length; k++) cmd[3 + keys.length + k] = args[k] as string;
    try {
      return await exec.send(cmd, keys[0]);
    } catch (e) {
      if (!String((e as Error)?.message).startsWith('NOSCRIPT')) throw e;
      const evalCmd = cmd.slice();
      evalCmd[0] = 'EVAL';
      evalCmd[1] = this.source;
      return exec.send(evalCmd, keys[0]);
    }
  }
}

/** Errors after which the script certainly did not run. */
const RETRYABLE = /^(TRYAGAIN|CLUSTERDOWN)/;
