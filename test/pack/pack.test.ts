/**
 * Sluice as a user outside this repository gets it: `pnpm pack` of core, worker, dashboard and cli, the tarballs
 * installed with plain `npm install` into a fresh app folder (third-party dependencies come from the npm registry),
 * then the app's own jobs module run by the installed `sluice worker start` and fed by `sluice enqueue`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, track, uniquePrefix, waitFor } from '../helpers.js';
import {
  cleanEnv,
  installed,
  type Manifest,
  PACKAGES,
  packAll,
  pointedAt,
  ROOT,
  runTo,
  undeclaredImports,
} from './pack-helpers.js';

/** The app's jobs module: `touch` writes its payload and id to ran/<n>.json; `tick` runs every second by cron. */
const JOBS_MODULE = `
import { writeFileSync } from 'node:fs';
import { defineJob } from '@sluice/core';
const ran = (file, value) => writeFileSync(new URL('./ran/' + file, import.meta.url), JSON.stringify(value));
export const touch = defineJob({ name: 'touch', handler: async (payload, ctx) => ran(payload.n + '.json', { payload, id: ctx.jobId }) });
export const tick = defineJob({ name: 'tick', schedule: { cron: '* * * * * *' }, handler: async (_p, ctx) => ran('tick.json', { id: ctx.jobId }) });
`;

/** A TypeScript file of the app, type-checked against the installed declarations. */
const APP_TS = `
import { createSluice, defineJob } from '@sluice/core';
import { createWorker } from '@sluice/worker';
import { createFetchHandler } from '@sluice/worker/fetch';
import { statsCommand } from '@sluice/cli';
import { createDashboard } from '@sluice/dashboard';
import { toNodeListener } from '@sluice/dashboard/node';
const job = defineJob({ name: 'a', handler: async (p: { n: number }) => p.n + 1 });
export async function main(): Promise<void> {
  const sluice = await createSluice({ url: 'redis://127.0.0.1:1' });
  await sluice.enqueue(job, { n: 1 });
  const dashboard = createDashboard({ url: 'redis://127.0.0.1:1', token: 'a-token-of-16-chars', readOnly: true });
  void [createWorker, createFetchHandler, statsCommand, toNodeListener(dashboard)];
}
`;

let tmp = '';
let app = '';

beforeAll(async () => {
  // The test packs what the sources build to now; after CI's `pnpm build` this is a no-op check of tsc -b.
  await runTo('pnpm', ['build'], { cwd: ROOT, env: { ...process.env } as Record<string, string>, timeoutMs: 120_000 });
  tmp = mkdtempSync(join(tmpdir(), 'sluice-pack-'));
  app = join(tmp, 'app');
  mkdirSync(join(app, 'ran'), { recursive: true });
  const tarballs = await packAll(tmp);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  writeFileSync(join(app, 'jobs.mjs'), JOBS_MODULE);
  await runTo('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
    cwd: app,
    timeoutMs: 120_000,
  });
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The installed `sluice` (node_modules/.bin, as npx runs it) started in the app folder, tracked by the leak guard. */
interface AppProcess {
  child: ChildProcess;
  /** Its exit code, once it has exited. */
  exited: Promise<number | null>;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
}

function startInApp(args: readonly string[]): AppProcess {
  let output = '';
  const child = spawn(join(app, 'node_modules', '.bin', 'sluice'), args, { cwd: app, env: cleanEnv() });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const collect = (b: Buffer) => {
    output += b.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  track({
    label: `installed sluice ${args.join(' ')}`,
    isOpen: () => child.exitCode === null && child.signalCode === null,
    forceClose: () => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    },
  });
  return { child, exited, output: () => output };
}

/** Wait for `file` to hold JSON (the handler may be midway through writing it); on timeout the error carries what the worker wrote. */
async function readWhenWritten(file: string, what: string, worker: AppProcess): Promise<unknown> {
  try {
    return await waitFor(() => JSON.parse(readFileSync(file, 'utf8')) as unknown, what, 20_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}; the worker wrote:\n${worker.output()}`);
  }
}

describe('the packed packages, installed with npm outside the workspace', () => {
  it('ship what their manifests point at, plus LICENSE, and no workspace ranges or build leftovers', () => {
    for (const p of PACKAGES) {
      const { manifest, files } = installed(app, `@sluice/${p}`);
      expect(files, manifest.name).toEqual(expect.arrayContaining(['package.json', 'LICENSE', ...pointedAt(manifest)]));
      expect(
        files.filter((f) => f.endsWith('.tsbuildinfo') || f.startsWith('src/')),
        manifest.name,
      ).toEqual([]);
      const ranges = Object.values({ ...manifest.dependencies, ...manifest.peerDependencies });
      expect(
        ranges.filter((r) => r.startsWith('workspace:')),
        manifest.name,
      ).toEqual([]);
    }
    expect(installed(app, '@sluice/cli').files).toContain('README.md');
  });

  it('link bins that exist before a build (pnpm install in a fresh clone warns about a missing bin otherwise)', () => {
    for (const p of PACKAGES) {
      const dir = join(ROOT, 'packages', p);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      for (const bin of Object.values(manifest.bin ?? {})) {
        expect(bin, `${manifest.name} bin`).not.toMatch(/^(\.\/)?dist\//);
        expect(existsSync(join(dir, bin)), `${manifest.name} bin ${bin} exists`).toBe(true);
      }
    }
  });

  it('import nothing at run time or in their types that they do not declare', () => {
    for (const p of PACKAGES) expect(undeclaredImports(app, `@sluice/${p}`), `@sluice/${p}`).toEqual([]);
  });

  it('load @redis/client and cron-parser as files core vendors: no shipped bundle imports the packages themselves', () => {
    // importing @redis/client from node_modules loads ~480 CommonJS files, most of a cold start (docs/benchmarks.md)
    const imports = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](@redis\/client|cron-parser)["']/;
    for (const p of ['core', 'worker']) {
      const bundles = installed(app, `@sluice/${p}`).files.filter((f) => /^dist\/bundle\/.*\.js$/.test(f));
      expect(bundles.length, p).toBeGreaterThan(0);
      for (const f of bundles)
        expect(
          imports.test(readFileSync(join(app, 'node_modules', '@sluice', p, f), 'utf8')),
          `@sluice/${p}/${f}`,
        ).toBe(false);
    }
    expect(installed(app, '@sluice/core').files).toEqual(
      expect.arrayContaining(['dist/vendor/redis-client.js', 'dist/vendor/cron-parser.js']),
    );
  });

  it('ship only ASCII JavaScript (a bundle holding one character above U+00FF is parsed as UTF-16 whole), and no path of the build machine', () => {
    for (const p of ['core', 'worker']) {
      const js = installed(app, `@sluice/${p}`).files.filter((f) => /^dist\/(bundle|vendor)\/.*\.js$/.test(f));
      const text = (f: string) => readFileSync(join(app, 'node_modules', '@sluice', p, f), 'utf8');
      expect(
        js.filter((f) => /[\u0080-\uffff]/.test(text(f))),
        `@sluice/${p}`,
      ).toEqual([]);
      expect(
        js.filter((f) => text(f).includes(ROOT.replace(/[\\/]+$/, ''))),
        `@sluice/${p}`,
      ).toEqual([]);
    }
  });

  it("sluice worker start runs the app's own jobs module: an enqueued job and a cron schedule", async () => {
    const g = ['--redis', redisUrl(), '--prefix', uniquePrefix()];
    const worker = startInApp(['worker', 'start', './jobs.mjs', ...g]);
    try {
      const sluice = join(app, 'node_modules', '.bin', 'sluice');
      // by name: the queue comes from the catalogue the worker publishes when it starts
      await waitFor(async () => worker.output().includes('worker started'), 'the worker to start', 30_000);
      const id = (await runTo(sluice, ['enqueue', 'touch', '{"n":7}', ...g], { cwd: app, timeoutMs: 15_000 })).trim();
      expect(id).toMatch(/^\d+-\d+$/);
      const ran = await readWhenWritten(join(app, 'ran', '7.json'), `the worker to run job ${id}`, worker);
      expect(ran).toEqual({ payload: { n: 7 }, id });
      await readWhenWritten(join(app, 'ran', 'tick.json'), 'the cron schedule to run', worker);
    } finally {
      if (worker.child.pid && worker.child.exitCode === null) process.kill(worker.child.pid, 'SIGTERM');
    }
    expect(await worker.exited).toBe(0);
    const logs = worker
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['worker started', 'worker stopped']));
  }, 60_000);

  it('the installed dashboard serves its built page and script (the shipped files) under a base path', async () => {
    const script = `
import { createDashboard } from '@sluice/dashboard';
const h = createDashboard({ url: 'redis://127.0.0.1:1', unsafeNoAuth: true, basePath: '/q' });
const r = await h(new Request('http://localhost/q/'));
const html = await r.text();
const js = /src="(assets\\/app-[^"]+\\.js)"/.exec(html)?.[1];
const a = await h(new Request('http://localhost/q/' + js));
console.log(r.status, html.includes('<base href="/q/">'), a.status, a.headers.get('content-type'), (await a.text()).length > 10000);
await h.close();
`;
    writeFileSync(join(app, 'dash.mjs'), script);
    const out = await runTo(process.execPath, ['dash.mjs'], { cwd: app, timeoutMs: 30_000 });
    // The built page (the UI's index.html and its hashed script), not the placeholder.
    expect(out.trim()).toBe('200 true 200 text/javascript; charset=utf-8 true');
  }, 60_000);

  it("the app's TypeScript type-checks against the installed declarations", async () => {
    writeFileSync(join(app, 'app.ts'), APP_TS);
    const tsconfig = {
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['app.ts'],
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await expect(runTo(process.execPath, [tsc, '-p', app], { cwd: app, timeoutMs: 60_000 })).resolves.toBe('');
  }, 60_000);
});
