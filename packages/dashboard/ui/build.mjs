#!/usr/bin/env node
// Build the dashboard's page: src/main.tsx and src/styles.css bundled (esbuild, minified, content-hashed names)
// into ../dist/ui/assets/, and ../dist/ui/index.html pointing at them. The handler of @sluice/dashboard serves
// that folder and writes the mount path into <base href>; every URL in the page is relative to it.
// Prints the gzipped size of what is shipped. Usage: node build.mjs (run by `pnpm build` at the root).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'dist', 'ui');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'assets'), { recursive: true });

const result = await build({
  entryPoints: { app: join(HERE, 'src', 'main.tsx'), style: join(HERE, 'src', 'styles.css') },
  outdir: join(OUT, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome111', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.startsWith('app-') && f.endsWith('.js'));
const css = outputs.find((f) => f.startsWith('style-') && f.endsWith('.css'));
if (!js || !css) throw new Error(`dashboard ui build: expected app-*.js and style-*.css, got ${outputs.join(', ')}`);

const html = readFileSync(join(HERE, 'index.html'), 'utf8')
  .replace('%APP_JS%', `assets/${js}`)
  .replace('%STYLE_CSS%', `assets/${css}`);
writeFileSync(join(OUT, 'index.html'), html);

let raw = 0;
let gz = 0;
for (const f of [...readdirSync(join(OUT, 'assets')).map((f) => join('assets', f)), 'index.html']) {
  if (f.endsWith('.LEGAL.txt')) continue;
  const b = readFileSync(join(OUT, f));
  raw += b.length;
  gz += gzipSync(b, { level: 9 }).length;
}
writeFileSync(join(OUT, 'size.json'), `${JSON.stringify({ bytes: raw, gzipBytes: gz })}\n`);
if (process.env.SLUICE_UI_QUIET !== '1')
  console.log(`dashboard ui: ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped (${OUT})`);
