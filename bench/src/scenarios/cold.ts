/**
 * Scenario 7: cold start, from process start to the first job handled (import + connect + read), with one
 * job waiting. Each run is a fresh plain `node` process on built JavaScript (Sluice's dist, as users run it;
 * no tsx), so the time is what a deployed worker pays. Twice: as installed (node_modules, one file per module)
 * and bundled into one file by esbuild, as serverless deployments usually ship (all three bundled alike). Each
 * start reports its wall time and its CPU time (steadier on a busy machine); `--cold-compile-cache on` runs them all
 * with Node's module compile cache (Node >= 22.1).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { EnqueueResult } from '../child.js';
import { type ImplName, QUEUE } from '../impl/types.js';
import type { Admin } from '../redis.js';
import { type Ctx, rotated } from '../results.js';
import { runChild } from './common.js';

const IMPLS: readonly ImplName[] = ['raw', 'sluice', 'bullmq'];
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Build @sluice/core and @sluice/worker (tsc -b, then scripts/bundle-dist.mjs, as `pnpm build` does) so the
 * children run their dist as published. Throws with the build's output.
 */
export function buildSluice(): void {
  const steps: [string, string[]][] = [
    [`${ROOT}node_modules/.bin/tsc`, ['-b', 'packages/worker']],
    [process.execPath, ['scripts/bundle-dist.mjs', 'core', 'worker']],
  ];
  for (const [cmd, args] of steps) {
    try {
      execFileSync(cmd, args, { cwd: ROOT, timeout: 180_000, stdio: 'pipe' });
    } catch (e) {
      const out = `${(e as { stdout?: Buffer }).stdout ?? ''}${(e as { stderr?: Buffer }).stderr ?? ''}`;
      throw new Error(`${args.join(' ')} failed; the bench runs Sluice's dist:\n${out.slice(0, 2000)}`);
    }
  }
}

/** Where the bundled cold-start scripts go (gitignored). */
const BUNDLES = fileURLToPath(new URL('../../.cold-bundles/', import.meta.url));

/** Bundle each cold-start script with its dependencies into one ESM file (CommonJS deps keep a `require`). */
export async function bundleColdScripts(): Promise<void> {
  mkdirSync(BUNDLES, { recursive: true });
  for (const impl of IMPLS) {
    await build({
      entryPoints: [fileURLToPath(new URL(`../cold/${impl}.mjs`, import.meta.url))],
      outfile: `${BUNDLES}${impl}.mjs`,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
  }
}

/** What one cold start printed: ms since process start and the process's CPU time (user + system) at its handler. */
interface ColdRun {
  ms: number;
  cpuMs: number;
}

/** Where the compile cache of `--cold-compile-cache on` lives (gitignored, emptied at each scenario start). */
const COMPILE_CACHE = fileURLToPath(new URL('../../.cold-compile-cache/', import.meta.url));

/** True when this Node has the module compile cache (22.1+). */
export const hasCompileCache = (): boolean =>
  typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

function coldOnce(
  impl: ImplName,
  url: string,
  bundled: boolean,
  compileCache: boolean,
  noExtraCa = false,
): Promise<ColdRun> {
  const file = bundled ? `${BUNDLES}${impl}.mjs` : fileURLToPath(new URL(`../cold/${impl}.mjs`, import.meta.url));
  const name = impl === 'raw' ? `raw:${QUEUE}` : QUEUE;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_COMPILE_CACHE: undefined,
    NODE_DISABLE_COMPILE_CACHE: undefined,
  };
  if (noExtraCa) delete env.NODE_EXTRA_CA_CERTS;
  if (compileCache) env.NODE_COMPILE_CACHE = `${COMPILE_CACHE}${impl}${bundled ? '-bundled' : ''}`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [file, url, name],
      { timeout: 20_000, killSignal: 'SIGKILL', env },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`cold start of ${impl} failed: ${err.message} ${stderr.slice(-1000)}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) as string) as ColdRun);
      },
    );
  });
}

/** Scenario names of the cold-start variants (the targets read the first two). */
export const COLD = '7. cold start to first job';
export const COLD_BUNDLED = '7. cold start, esbuild bundle';
/**
 * The bundled starts again without `NODE_EXTRA_CA_CERTS`, run only when the bench's environment sets it: Node 20
 * reads that file into its certificate store before any script runs (~30 ms of CPU here, paid by all three alike),
 * which a deployment without the variable does not; informational, no target reads it.
 */
export const COLD_BUNDLED_NO_EXTRA_CA = '7. cold start, esbuild bundle, without NODE_EXTRA_CA_CERTS';

/**
 * Cold starts of each implementation, installed then bundled, `runs` times each (implementations rotated), with
 * one job waiting. `compileCache`: every start runs with NODE_COMPILE_CACHE (Node >= 22.1), after one unrecorded
 * start per implementation and variant fills the cache.
 */
export async function coldScenario(ctx: Ctx, admin: Admin, runs: number, compileCache = false): Promise<void> {
  const cache = compileCache && hasCompileCache();
  if (compileCache && !cache) ctx.log(`--cold-compile-cache on: Node ${process.version} has no compile cache; ignored`);
  if (cache) rmSync(COMPILE_CACHE, { recursive: true, force: true });
  ctx.log(`cold starts on Node ${process.version}${cache ? ', module compile cache on' : ''}`);
  const once = async (impl: ImplName, bundled: boolean, noExtraCa = false): Promise<ColdRun> => {
    await admin.reset();
    await runChild<EnqueueResult>({ role: 'enqueue', impl, url: ctx.url, jobs: 1, mode: 'single', window: 1 }, 60_000);
    return coldOnce(impl, ctx.url, bundled, cache, noExtraCa);
  };
  const variants: [string, boolean, boolean][] = [
    [COLD, false, false],
    [COLD_BUNDLED, true, false],
  ];
  if (process.env.NODE_EXTRA_CA_CERTS) variants.push([COLD_BUNDLED_NO_EXTRA_CA, true, true]);
  for (const [scenario, bundled, noExtraCa] of variants) {
    if (cache) for (const impl of IMPLS) await once(impl, bundled, noExtraCa);
    for (let i = 0; i < runs; i++) {
      for (const impl of rotated(IMPLS, ctx.rep + i)) {
        const { ms, cpuMs } = await once(impl, bundled, noExtraCa);
        const row = { scenario, better: 'lower', impl, rep: ctx.rep } as const;
        ctx.results.add({ ...row, metric: 'time', unit: 'ms', value: ms });
        ctx.results.add({ ...row, metric: 'CPU time', unit: 'ms', value: cpuMs });
        ctx.log(`${scenario} ${impl}: ${ms.toFixed(0)} ms (CPU ${cpuMs.toFixed(0)} ms)`);
      }
    }
  }
}
