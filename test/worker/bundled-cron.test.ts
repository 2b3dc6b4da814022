/**
 * A worker bundled into one file by esbuild, as serverless functions are deployed, runs from a folder with no
 * node_modules: its cron schedule ticks and its handler runs. cron-parser is loaded on first use by an
 * `await import()` the bundler sees and bundles (a `createRequire(...)('cron-parser')` was left to resolve at run
 * time and threw "Cannot find module" there).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl, uniquePrefix, waitFor } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-bundled-cron-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The application: one job with a schedule every second; its handler prints one line and exits the process. */
const APP = `
import { defineJob } from '@sluice/core';
import { createWorker } from '@sluice/worker';
const [url, prefix] = process.argv.slice(2);
const tick = defineJob({
  name: 'bundled-tick',
  schedule: { cron: '* * * * * *', payload: { from: 'cron' } },
  handler: async (p) => {
    process.stdout.write(JSON.stringify({ ran: p }) + '\\n');
    await w.stop();
    process.exit(0);
  },
});
const w = await createWorker({ url, prefix, jobs: [tick], logger: { level: 'error' } });
await w.start();
setTimeout(() => { process.stderr.write('no tick within 20 s\\n'); process.exit(3); }, 20_000).unref();
`;

describe('a bundled worker', () => {
  it('runs its cron schedule from a folder without node_modules', async () => {
    const outfile = join(dir, 'app.mjs');
    await build({
      stdin: { contents: APP, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      conditions: ['@sluice/source'],
      // bundled CommonJS (pino, @redis/client) calls require() for node: builtins
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      logLevel: 'error',
    });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const child = spawn(process.execPath, [outfile, redisUrl(), uniquePrefix()], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor(() => child.exitCode !== null, 'the bundled worker ran its tick and exited', 30_000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect({ code: await exited, err: err.trim() }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out.trim())).toEqual({ ran: { from: 'cron' } });
  });
});
