/**
 * Core's vendored @redis/client as it ships (scripts/vendor-build.mjs: one ESM file, the lean command table of
 * scripts/lean-redis-commands.mjs, the edits of scripts/vendor-edits.mjs, ASCII), built into a temp dir from
 * node_modules' @redis/client now, so a guard test checks the @redis/client the repository has, not a stale dist.
 * Also what a client made by that copy must not have: a per-command method of the full table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Redis from '@redis/client';
import { type BuildOptions, build } from 'esbuild';

/** The names core imports from @redis/client (packages/core/src/connection.ts). */
export type LeanRedis = Pick<typeof Redis, 'RedisClient' | 'createCluster' | 'ErrorReply'>;

/** The lean copy, imported, and `remove` for its temp dir. */
export async function buildLeanRedis(): Promise<{ lean: LeanRedis; remove: () => void }> {
  // the options scripts/bundle-dist.mjs ships core's copy with
  const { asciiOutput, REDIS_CLIENT, vendorOptions } = (await import(
    new URL('../scripts/vendor-build.mjs', import.meta.url).href
  )) as {
    asciiOutput: (dir: string) => void;
    REDIS_CLIENT: unknown;
    vendorOptions: (dep: unknown, names: readonly string[], resolveDir: string, outfile: string) => BuildOptions;
  };
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lean-redis-'));
  // .mjs: the temp dir has no package.json saying "type": "module"
  const outfile = join(dir, 'redis-client.mjs');
  const core = fileURLToPath(new URL('../packages/core/', import.meta.url));
  const names = ['createCluster', 'ErrorReply', 'RedisClient'];
  await build({ ...vendorOptions(REDIS_CLIENT, names, core, outfile), logLevel: 'silent' });
  asciiOutput(dir);
  const lean = (await import(/* @vite-ignore */ pathToFileURL(outfile).href)) as LeanRedis;
  return { lean, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Per-command methods of the full table (camelCase and upper case) that a lean client must lack. */
export const LEFT_OUT = ['get', 'GET', 'xReadGroup', 'XREADGROUP', 'evalSha', 'hSet', 'clusterInfo'] as const;
