#!/usr/bin/env node
// Bundle each library package's built dist (tsc -b output) into a few ESM files: dist/bundle/<entry>.js plus
// shared chunks (so an entry pair like @sluice/worker and @sluice/worker/fetch shares one copy of common
// code and `instanceof` keeps working across them). Dependencies, including @sluice/core for the worker,
// stay external: one copy of each package at run time, except @redis/client, which core bundles in (INLINED
// below). Why: Node loads modules file by file; Sluice's own ~90 modules cost ~35-40 ms of every cold start,
// and @redis/client's ~480 CommonJS files (it requires every command module up front) ~100 ms of CPU, more
// than anything else a worker does before its first job (docs/benchmarks.md, docs/decisions.md). Bundled, it
// is one file; its CommonJS `require`s of Node built-ins go through a `createRequire` made in the banner.
// Usage: node scripts/bundle-dist.mjs [core|worker ...] (default: both). Run after `tsc -b` (pnpm build).
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Package folder -> entry names (dist/<name>.js, as tsc emits them). */
const PACKAGES = { core: ['index', 'internal', 'redact'], worker: ['index', 'fetch', 'internal'] };
/** Dependencies bundled into a package rather than left external (their optional peers stay external). */
const INLINED = { core: { '@redis/client': ['@opentelemetry/api', '@node-rs/xxhash'] } };
/** Defines `require` for bundled CommonJS (esbuild's ESM output calls it for `require('node:events')` etc.). */
const REQUIRE_BANNER =
  "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);";

async function bundle(pkg) {
  const entries = PACKAGES[pkg];
  if (!entries)
    throw new Error(`bundle-dist: unknown package "${pkg}" (expected: ${Object.keys(PACKAGES).join(', ')})`);
  const dir = join(ROOT, 'packages', pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const inlined = INLINED[pkg] ?? {};
  const external = [
    ...Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter((d) => !(d in inlined)),
    ...Object.values(inlined).flat(),
  ];
  const outdir = join(dir, 'dist', 'bundle');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: Object.fromEntries(entries.map((e) => [e, join(dir, 'dist', `${e}.js`)])),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    sourcemap: true,
    ...(Object.keys(inlined).length ? { banner: { js: REQUIRE_BANNER } } : {}),
    logLevel: 'warning',
  });
}

const wanted = process.argv.slice(2);
for (const pkg of wanted.length ? wanted : Object.keys(PACKAGES)) await bundle(pkg);
