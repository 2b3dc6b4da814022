#!/usr/bin/env node
// Bundle each library package's built dist (tsc -b output) into a few ESM files: dist/bundle/<entry>.js plus
// shared chunks (so an entry pair like @sluice/worker and @sluice/worker/fetch shares one copy of common
// code and `instanceof` keeps working across them). Dependencies, including @sluice/core for the worker,
// stay external: one copy of each package at run time, except @redis/client and cron-parser, which core vendors, and
// pino, which the worker vendors (VENDORED below): each bundled on its own into dist/vendor/, imported by relative
// path. Every output file is ASCII (asciiOutput).
// Why: Node loads modules file by file; Sluice's own ~90 modules cost ~35-40 ms of every cold start, and
// @redis/client's ~480 CommonJS files (it requires every command module up front) ~100-150 ms of CPU, more
// than anything else a worker does before its first job (docs/benchmarks.md, docs/decisions.md). The vendored
// @redis/client also leaves out what Sluice never reaches: its command table (~450 command modules, and a method
// each on every client class) becomes the four commands the library sends through it by itself, and the copy
// starts from the client, cluster and errors modules instead of the package index, and builds its command metadata
// on first use (scripts/lean-redis-commands.mjs; safe because Sluice sends everything through `sendCommand`;
// guarded at build time and by test/*/vendored-client). That took the vendored file's import from 40-46 to 20-22 ms
// of CPU (Node 20).
// Usage: node scripts/bundle-dist.mjs [core|worker ...] (default: both). Run after `tsc -b` (pnpm build).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { asciiOutput, REDIS_CLIENT, vendorOptions } from './vendor-build.mjs';
import { exactEdits, PINO_EDITS, SONIC_BOOM_EDITS } from './vendor-edits.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Package folder -> entry names (dist/<name>.js, as tsc emits them). */
const PACKAGES = { core: ['index', 'internal', 'redact'], worker: ['index', 'fetch', 'internal'] };
/**
 * Dependencies a package bundles into dist/vendor/<file> rather than leaving external, with their optional peers
 * (left external). @redis/client's options are in scripts/vendor-build.mjs (its guard tests build the same copy).
 */
const VENDORED = {
  core: [
    REDIS_CLIENT,
    // loaded by `import()` on a schedule's first use (core's cron-parser.ts); vendored so that a bundle holding it
    // stays ASCII (luxon's comments are not: see asciiOutput)
    { name: 'cron-parser', file: 'cron-parser.js', peers: [], names: ['CronExpressionParser'] },
  ],
  // ~28 CommonJS files, ~40 ms of CPU installed; its transports (worker threads started from its own files) are
  // not used through this copy: logger.ts requires the installed pino for pino-pretty
  worker: [
    {
      name: 'pino',
      file: 'pino.js',
      peers: [],
      plugins: [
        exactEdits('pino-edits', '/node_modules/pino/', PINO_EDITS),
        exactEdits('sonic-boom-edits', '/node_modules/sonic-boom/', SONIC_BOOM_EDITS),
      ],
    },
  ],
};

/** The names the package's tsc output imports from `dep` (what its vendored copy must export). */
function importedNames(distDir, dep) {
  const names = new Set();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'bundle' && e.name !== 'vendor') walk(join(d, e.name));
      else if (e.name.endsWith('.js')) {
        const text = readFileSync(join(d, e.name), 'utf8');
        for (const [, list = ''] of text.matchAll(new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*['"]${dep}['"]`, 'g')))
          for (const n of list.split(',')) if (n.trim()) names.add(n.trim().split(/\s+as\s+/)[0]);
      }
    }
  };
  walk(distDir);
  return [...names].sort();
}

/** Bundle each vendored dependency into dist/vendor/<file> (ESM re-exporting the names the package uses). */
async function vendor(dir, deps) {
  const outdir = join(dir, 'dist', 'vendor');
  rmSync(outdir, { recursive: true, force: true });
  for (const dep of deps) {
    const names = dep.names ?? importedNames(join(dir, 'dist'), dep.name);
    await build(vendorOptions(dep, names, dir, join(outdir, dep.file)));
  }
  asciiOutput(outdir);
}

async function bundle(pkg) {
  const entries = PACKAGES[pkg];
  if (!entries)
    throw new Error(`bundle-dist: unknown package "${pkg}" (expected: ${Object.keys(PACKAGES).join(', ')})`);
  const dir = join(ROOT, 'packages', pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const vendored = VENDORED[pkg] ?? [];
  await vendor(dir, vendored);
  const toVendor = {
    name: 'vendored',
    setup(b) {
      for (const dep of vendored)
        b.onResolve({ filter: new RegExp(`^${dep.name}$`) }, () => ({ path: `../vendor/${dep.file}`, external: true }));
    },
  };
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
    external: Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter(
      (d) => !vendored.some((v) => v.name === d),
    ),
    plugins: [toVendor],
    // the worker's version, built in (its registry/version.ts reads package.json only when run from the sources)
    define: pkg === 'worker' ? { SLUICE_WORKER_VERSION: JSON.stringify(manifest.version) } : {},
    sourcemap: true,
    charset: 'ascii',
    logLevel: 'warning',
  });
  asciiOutput(outdir);
}

const wanted = process.argv.slice(2);
for (const pkg of wanted.length ? wanted : Object.keys(PACKAGES)) await bundle(pkg);
