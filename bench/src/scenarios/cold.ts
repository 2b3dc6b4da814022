/**
 * Scenario 7: cold start, from process start to the first job handled (import + connect + read), with one
 * job waiting. Each run is a fresh plain `node` process on built JavaScript (Sluice's dist, as users run it;
 * no tsx), so the time is what a deployed worker pays.
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EnqueueResult } from '../child.js';
import { type ImplName, QUEUE } from '../impl/types.js';
import type { Admin } from '../redis.js';
import { type Ctx, rotated } from '../results.js';
import { runChild } from './common.js';

const IMPLS: readonly ImplName[] = ['raw', 'sluice', 'bullmq'];
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Build @sluice/core and @sluice/worker (tsc -b) so the cold start runs their dist. Throws with tsc's output. */
export function buildSluice(): void {
  try {
    execFileSync(`${ROOT}node_modules/.bin/tsc`, ['-b', 'packages/worker'], {
      cwd: ROOT,
      timeout: 180_000,
      stdio: 'pipe',
    });
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`tsc -b packages/worker failed; Sluice's cold start needs its dist:\n${out.slice(0, 2000)}`);
  }
}

function coldOnce(impl: ImplName, url: string): Promise<number> {
  const file = fileURLToPath(new URL(`../cold/${impl}.mjs`, import.meta.url));
  const name = impl === 'raw' ? `raw:${QUEUE}` : QUEUE;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file, url, name], { timeout: 20_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`cold start of ${impl} failed: ${err.message} ${stderr.slice(-1000)}`));
      resolve((JSON.parse(stdout.trim().split('\n').at(-1) as string) as { ms: number }).ms);
    });
  });
}

export async function coldScenario(ctx: Ctx, admin: Admin, runs: number): Promise<void> {
  const scenario = '7. cold start to first job';
  for (let i = 0; i < runs; i++) {
    for (const impl of rotated(IMPLS, ctx.rep + i)) {
      await admin.reset();
      await runChild<EnqueueResult>(
        { role: 'enqueue', impl, url: ctx.url, jobs: 1, mode: 'single', window: 1 },
        60_000,
      );
      const ms = await coldOnce(impl, ctx.url);
      ctx.results.add({ scenario, metric: 'time', unit: 'ms', better: 'lower', impl, rep: ctx.rep, value: ms });
      ctx.log(`${scenario} ${impl}: ${ms.toFixed(0)} ms`);
    }
  }
}
