/**
 * Core's vendored @redis/client as it ships (scripts/bundle-dist.mjs: one ESM file, the lean command table of
 * scripts/lean-redis-commands.mjs, the lazy built-ins of scripts/vendor-edits.mjs), built into a temp dir from
 * node_modules' @redis/client now, so a guard test checks the @redis/client the repository has, not a stale dist.
 * Also what a client made by that copy must not have: a per-command method of the full table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Redis from '@redis/client';
import { build, type Plugin } from 'esbuild';

/** The names core imports from @redis/client (packages/core/src/connection.ts). */
export type LeanRedis = Pick<typeof Redis, 'RedisClient' | 'createCluster' | 'ErrorReply'>;

/** The lean copy, imported, and `remove` for its temp dir. */
export async function buildLeanRedis(): Promise<{ lean: LeanRedis; remove: () => void }> {
  const scripts = new URL('../scripts/', import.meta.url);
  const { lazyCommandMetadata, leanCommandTable, leanEntrySource } = (await import(
    new URL('lean-redis-commands.mjs', scripts).href
  )) as {
    lazyCommandMetadata: () => Plugin;
    leanCommandTable: () => Plugin;
    leanEntrySource: (names: readonly string[]) => string;
  };
  const { exactEdits, REDIS_CLIENT_EDITS } = (await import(new URL('vendor-edits.mjs', scripts).href)) as {
    exactEdits: (name: string, root: string, edits: unknown) => Plugin;
    REDIS_CLIENT_EDITS: unknown;
  };
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lean-redis-'));
  const outfile = join(dir, 'redis-client.mjs');
  // the options of vendor() in scripts/bundle-dist.mjs
  await build({
    stdin: {
      contents: leanEntrySource(['createCluster', 'ErrorReply', 'RedisClient']),
      resolveDir: fileURLToPath(new URL('../packages/core/', import.meta.url)),
    },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@opentelemetry/api', '@node-rs/xxhash'],
    banner: {
      js: "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);",
    },
    plugins: [
      leanCommandTable(),
      lazyCommandMetadata(),
      exactEdits('redis-client-edits', '/@redis/client/dist/lib/', REDIS_CLIENT_EDITS),
    ],
    logLevel: 'silent',
  });
  const lean = (await import(/* @vite-ignore */ pathToFileURL(outfile).href)) as LeanRedis;
  return { lean, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Per-command methods of the full table (camelCase and upper case) that a lean client must lack. */
export const LEFT_OUT = ['get', 'GET', 'xReadGroup', 'XREADGROUP', 'evalSha', 'hSet', 'clusterInfo'] as const;
