/**
 * Scenario 7: cold start, from process start to the first job handled (import + connect + read), with one
 * job waiting. Each run is a fresh plain `node` process on built JavaScript (Sluice's dist, as users run it;
 * no tsx), so the time is what a deployed worker pays. Twice: as installed (node_modules, one file per module)
 * and bundled into one file by esbuild, as serverless deployments usually ship (all three bundled alike).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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

function coldOnce(impl: ImplName, url: string, bundled: boolean): Promise<number> {
  const file = bundled ? `${BUNDLES}${impl}.mjs` : fileURLToPath(new URL(`../cold/${impl}.mjs`, import.meta.url));
  const name = impl === 'raw' ? `raw:${QUEUE}` : QUEUE;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file, url, name], { timeout: 20_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`cold start of ${impl} failed: ${err.message} ${stderr.slice(-1000)}`));
      resolve((JSON.parse(stdout.trim().split('\n').at(-1) as string) as { ms: number }).ms);
    });
  });
}

/** Scenario names of the two cold-start variants. */
export const COLD = '7. cold start to first job';
export const COLD_BUNDLED = '7. cold start, esbuild bundle';

export async function coldScenario(ctx: Ctx, admin: Admin, runs: number): Promise<void> {
  for (const bundled of [false, true]) {
    const scenario = bundled ? COLD_BUNDLED : COLD;
    for (let i = 0; i < runs; i++) {
      for (const impl of rotated(IMPLS, ctx.rep + i)) {
        await admin.reset();
        await runChild<EnqueueResult>(
          { role: 'enqueue', impl, url: ctx.url, jobs: 1, mode: 'single', window: 1 },
          60_000,
        );
        const ms = await coldOnce(impl, ctx.url, bundled);
        ctx.results.add({ scenario, metric: 'time', unit: 'ms', better: 'lower', impl, rep: ctx.rep, value: ms });
        ctx.log(`${scenario} ${impl}: ${ms.toFixed(0)} ms`);
      }
    }
  }
}
