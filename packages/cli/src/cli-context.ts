/** What every part of the program shares: the context it runs in, global options, help examples. */
import type { Command } from 'commander';
import type { ConnectOptions } from './connect.js';
import type { Output } from './output.js';

/** What the program needs from its environment (the real process in bin.ts, fakes in tests). */
export interface ProgramContext {
  /** Where output goes. */
  io: Output;
  /** Where `enqueue --ndjson` reads lines (default `process.stdin`). */
  input?: NodeJS.ReadableStream;
  /** A signal that aborts on Ctrl-C, for commands that stop gracefully (`--watch`). Default: never aborts. */
  interrupt?: () => AbortSignal;
}

/** Global options, accepted before or after any command. */
export interface GlobalOptions {
  /** `--redis <url>` (default: SLUICE_REDIS_URL, then REDIS_URL, then redis://127.0.0.1:6379). */
  redis?: string;
  /** `--redis-cluster <nodes>` (default: SLUICE_REDIS_CLUSTER; unset = a single server). */
  redisCluster?: string;
  /** `--prefix <prefix>` (default `sluice`). */
  prefix?: string;
  /** `--verbose`: stack traces with errors (default false). */
  verbose?: boolean;
  /** `--tls-ca <file>` (default: SLUICE_TLS_CA; unset = the system CAs). */
  tlsCa?: string;
  /** `--tls-cert <file>` (default: SLUICE_TLS_CERT; unset = none). */
  tlsCert?: string;
  /** `--tls-key <file>` (default: SLUICE_TLS_KEY; unset = none). */
  tlsKey?: string;
  /** `--max-payload-bytes <n>` (default: SLUICE_MAX_PAYLOAD_BYTES, then 1048576). */
  maxPayloadBytes?: string;
}

/** Help text of examples, appended after a command's help. */
export const examples = (...lines: string[]): string => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** The connection options of `cmd` (global `--redis`, `--prefix`, `--tls-*`, `--max-payload-bytes`). */
export function connectOf(cmd: Command): ConnectOptions {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return {
    redis: g.redis,
    redisCluster: g.redisCluster,
    prefix: g.prefix,
    tlsCa: g.tlsCa,
    tlsCert: g.tlsCert,
    tlsKey: g.tlsKey,
    maxPayloadBytes: g.maxPayloadBytes,
  };
}
