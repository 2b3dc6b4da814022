/**
 * `pnpm bench`: Sluice, BullMQ and a raw @redis/client streams loop, side by side, on one private redis-server
 * this process starts (127.0.0.1, free port, no persistence) and stops by pid. Every scenario runs each
 * implementation in turn, repetition after repetition (the order rotates), on a flushed server. Prints a
 * markdown table of medians (min–max) and ratios, the target checks, and writes results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './args.js';
import { backgroundBusy, gitLabel, sourceHash } from './machine.js';
import { Admin, startRedis } from './redis.js';
import { markdown, type RunRecord, targets } from './report.js';
import { type Ctx, Results } from './results.js';
import { buildSluice, bundleColdScripts, coldScenario } from './scenarios/cold.js';
import { enqueueScenario } from './scenarios/enqueue.js';
import { flowScenario } from './scenarios/flow.js';
import { idleScenario } from './scenarios/idle.js';
import { latencyScenario } from './scenarios/latency.js';
import { processScenario } from './scenarios/process.js';

const BENCH = fileURLToPath(new URL('../', import.meta.url));

function versionOf(pkg: string): string {
  try {
    const out = execFileSync('pnpm', ['--filter', '@sluice/bench', 'list', pkg, '--json'], {
      cwd: BENCH,
      encoding: 'utf8',
    });
    const deps = (JSON.parse(out) as Array<{ dependencies?: Record<string, { version: string }> }>)[0]?.dependencies;
    return deps?.[pkg]?.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const versions = {
    bullmq: versionOf('bullmq'),
    ioredis: versionOf('ioredis'),
    '@redis/client': versionOf('@redis/client'),
  };
  // Every Sluice child runs the built dist, as users do (the TypeScript sources under tsx cost ~15% more CPU).
  log('building @sluice/core and @sluice/worker (tsc -b + bundle-dist): the children run their dist');
  buildSluice();
  if (args.only.includes('cold')) {
    log('bundling the cold-start scripts with esbuild (bench/.cold-bundles)');
    await bundleColdScripts();
  }
  const ROOT = resolve(BENCH, '..');
  const srcDirs = ['packages/core/src', 'packages/worker/src'];
  const sources = { git: gitLabel(ROOT), before: sourceHash(ROOT, srcDirs), after: '' };
  const busyBefore = await backgroundBusy();
  const redis = await startRedis();
  log(`redis-server ${redis.version} pid ${redis.pid} at ${redis.url}; ${args.reps} rep(s) of ${args.only.join(', ')}`);
  const admin = await Admin.open(redis.url);
  const results = new Results();
  const started = Date.now();
  try {
    for (let rep = 0; rep < args.reps; rep++) {
      const ctx: Ctx = { url: redis.url, results, rep, log: (l) => log(`rep ${rep + 1}/${args.reps} ${l}`) };
      for (const s of args.only) {
        try {
          if (s === 'enqueue') await enqueueScenario(ctx, admin, args.jobs);
          else if (s === 'process') await processScenario(ctx, admin, args.jobs, args.concurrency, args.impls);
          else if (s === 'latency') await latencyScenario(ctx, admin, args.rates, args.latencySeconds);
          else if (s === 'idle') await idleScenario(ctx, admin, args.idleSeconds);
          else if (s === 'flow') await flowScenario(ctx, admin, args.jobs, Math.max(...args.concurrency));
          else await coldScenario(ctx, admin, args.coldRuns, args.coldCompileCache);
        } catch (e) {
          const msg = `rep ${rep + 1} ${s}: ${(e as Error).message}`;
          results.errors.push(msg);
          log(`FAILED ${msg}`);
        }
      }
    }
  } finally {
    await admin.close().catch(() => {});
    await redis.stop();
  }
  const record: RunRecord = {
    args,
    minutes: (Date.now() - started) / 60_000,
    machine: { ...machine, busyBefore, busyAfter: await backgroundBusy() },
    redis: redis.version,
    versions,
    sources: { ...sources, after: sourceHash(ROOT, srcDirs) },
    targets: targets(results, args.concurrency, args.rates),
    rows: results.rows,
    details: results.details,
    errors: results.errors,
  };
  const md = markdown(record);
  console.log(md);
  const out = resolve(BENCH, args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(record, null, 1)}\n`);
  writeFileSync(out.replace(/\.json$/, '.md'), `${md}\n`);
  log(`wrote ${out}`);
  if (results.errors.length) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
