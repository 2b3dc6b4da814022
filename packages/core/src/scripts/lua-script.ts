/**
 * A Lua script run with EVAL the first time in a process, then EVALSHA, falling back to EVAL on NOSCRIPT (managed
 * and clustered Redis may have flushed or never seen the script). Works on any {@link RedisExecutor}, so also on
 * clients Sluice did not create.
 */
import type { RedisExecutor } from '../connection.js';

/**
 * SHA1 in hex by node:crypto, loaded on the first call (a script's second run), not at import: a worker's start
 * does not pay for loading node:crypto (docs/decisions.md, "Cold start"). `getBuiltinModule` is synchronous and
 * invisible to bundlers (Node >= 20.16).
 */
function sha1Hex(text: string): string {
  return process.getBuiltinModule('node:crypto').createHash('sha1').update(text).digest('hex');
}

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

/**
 * A named Lua script with its SHA1. The compacted source is made on first use and its SHA1 on the second (the first
 * run sends the body with EVAL): core defines ~25 scripts at import, and a worker's first job needs two or three of
 * them (docs/decisions.md, "Cold start").
 */
export class LuaScript {
  private compacted: string | undefined;
  private hash: string | undefined;
  /** True once this process has sent the body (EVAL); later runs send its SHA1. */
  private sent = false;
  constructor(
    /** Name for messages (the transition, as in the module name). */
    readonly name: string,
    /** Lua source, as written. */
    private readonly raw: string,
  ) {}

  /** The source as sent: {@link compactLua} of the given one. */
  get source(): string {
    this.compacted ??= compactLua(this.raw);
    return this.compacted;
  }

  /** SHA1 of the source, as EVALSHA wants it. */
  get sha(): string {
    this.hash ??= sha1Hex(this.source);
    return this.hash;
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
    cmd[2] = String(keys.length);
    for (let k = 0; k < keys.length; k++) cmd[3 + k] = keys[k] as string;
    for (let k = 0; k < args.length; k++) cmd[3 + keys.length + k] = args[k] as string;
    if (!this.sent) {
      // the first run in this process sends the body: Redis hashes it (in C) and caches it for the EVALSHAs that
      // follow, and a worker loads no hashing code before its first job
      this.sent = true;
      cmd[0] = 'EVAL';
      cmd[1] = this.source;
      return exec.send(cmd, keys[0]);
    }
    cmd[1] = this.sha;
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
