// The esbuild options of a vendored dependency (dist/vendor/<file>), shared by scripts/bundle-dist.mjs, which ships
// them, and test/lean-redis.ts, which builds the same @redis/client copy from node_modules for the guard tests.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lazyCommandMetadata, leanCommandTable, leanEntrySource } from './lean-redis-commands.mjs';
import { exactEdits, REDIS_CLIENT_EDITS } from './vendor-edits.mjs';

/** Defines `require` for bundled CommonJS (esbuild's ESM output calls it for `require('node:events')` etc.). */
export const REQUIRE_BANNER =
  "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);";

/**
 * Core's @redis/client, with its optional peers left external (it loads them only for features Sluice does not
 * use, inside a try): only the commands the client library sends by itself (scripts/lean-redis-commands.mjs), and
 * node:tls, node:crypto and dns/promises loaded on first use (scripts/vendor-edits.mjs).
 */
export const REDIS_CLIENT = {
  name: '@redis/client',
  file: 'redis-client.js',
  peers: ['@opentelemetry/api', '@node-rs/xxhash'],
  plugins: [
    leanCommandTable(),
    lazyCommandMetadata(),
    exactEdits('redis-client-edits', '/@redis/client/dist/lib/', REDIS_CLIENT_EDITS),
  ],
  entry: leanEntrySource,
};

/**
 * esbuild options that bundle `dep` into one ESM file `outfile` re-exporting `names`, resolved from `resolveDir`
 * (a package folder). Run {@link asciiOutput} on the output's folder afterwards.
 */
export function vendorOptions(dep, names, resolveDir, outfile) {
  return {
    stdin: {
      contents: dep.entry ? dep.entry(names) : `export { ${names.join(', ')} } from '${dep.name}';`,
      resolveDir,
    },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: dep.peers,
    banner: { js: REQUIRE_BANNER },
    plugins: dep.plugins ?? [],
    charset: 'ascii',
    logLevel: 'warning',
  };
}

/**
 * Make every .js and .mjs file in `dir` pure ASCII. esbuild (`charset: 'ascii'`) escapes non-ASCII characters in
 * strings, templates, regular expressions and names, but copies comments as they are, so what is left is in
 * comments: each UTF-16 unit becomes '?' (columns, and with them source maps, stay as they were). Why: V8 keeps a
 * source with any character above U+00FF as a two-byte string; an application bundle that holds one such comment
 * (the vendored @redis/client's em dashes, luxon's examples) is decoded and scanned as UTF-16 whole, ~3 % more CPU
 * to a bundled worker's first job on Node 20 (docs/decisions.md, "Cold start").
 */
export function asciiOutput(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isFile() || !/\.m?js$/.test(e.name)) continue;
    const file = join(dir, e.name);
    const text = readFileSync(file, 'utf8');
    if (/[\u0080-\uffff]/.test(text)) writeFileSync(file, text.replace(/[\u0080-\uffff]/g, '?'));
  }
}
