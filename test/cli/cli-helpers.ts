/** Helpers of the CLI tests: run a command function with captured output, spawn the binary, seed dead letters. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CapturedOutput, captureOutput, exitCodeOf, formatError } from '@sluice/cli';
import { createSluice } from '@sluice/core';
import { deadLetter } from '@sluice/core/internal';
import { redisUrl, track, uniquePrefix } from '../helpers.js';
import { crashedConsumer } from '../queue-fixtures.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Preload for a spawned `sluice`: writes the ms from its first connect attempt to its exit (connect-clock.mjs). */
export const CONNECT_CLOCK = fileURLToPath(new URL('./fixtures/connect-clock.mjs', import.meta.url));

/** A module defining `send-email` (zod schema) and `report`, for `--jobs`. */
export const JOBS_FIXTURE = fileURLToPath(new URL('./fixtures/jobs.ts', import.meta.url));

/** Connection options for a fresh, unique prefix on the test Redis. */
export const conn = () => ({ redis: redisUrl(), prefix: uniquePrefix() });

/** What a command did: its exit code (0 when it returned) and every line it wrote. */
export interface Ran extends CapturedOutput {
  code: number;
}

/**
 * Run a command function as bin.ts would: the exit code, and the one error line appended to stderr. Pass `io`
 * (default a fresh capture) to watch the output while the command still runs.
 */
export async function run(fn: (io: CapturedOutput) => Promise<void>, io = captureOutput()): Promise<Ran> {
  try {
    await fn(io);
    return Object.assign(io, { code: 0 });
  } catch (e) {
    const line = formatError(e);
    if (line) io.err(line);
    return Object.assign(io, { code: exitCodeOf(e) });
  }
}

/** Result of a spawned `sluice`. */
export interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const tsxLoader = pathToFileURL(createRequire(`${ROOT}package.json`).resolve('tsx')).href;

/** A running `sluice` child and the promise of its end. */
export interface Started {
  child: ChildProcess;
  done: Promise<Spawned>;
}

/** Options of a spawned `sluice`. */
export interface SpawnOptions {
  /** Written to stdin, which is then closed (default nothing). */
  stdin?: string;
  /** Extra environment (default none). */
  env?: Record<string, string>;
  /** Killed by pid after this many ms (default 60,000; 30,000 for {@link spawnSluice}): a start-up through tsx takes seconds on a busy machine. */
  timeoutMs?: number;
  /** Modules preloaded with `node --import` before the entry (default none). */
  preload?: readonly string[];
  /** Working directory (default the repository root). */
  cwd?: string;
}

/** Start the source entry (no build needed) with `args`; `stdin` is written and closed. Killed by pid after `timeoutMs`. */
export function startSluice(args: readonly string[], opts: SpawnOptions = {}): Started {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const env: Record<string, string | undefined> = { ...process.env, SLUICE_REDIS_URL: undefined, ...opts.env };
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--conditions=@sluice/source',
      ...(opts.preload ?? []).flatMap((m) => ['--import', pathToFileURL(m).href]),
      '--import',
      tsxLoader,
      `${ROOT}packages/cli/src/bin.ts`,
      ...args,
    ],
    { cwd: opts.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const kill = () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  };
  track({
    label: `sluice ${args.join(' ')}`,
    isOpen: () => child.exitCode === null && child.signalCode === null,
    forceClose: kill,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  child.stdin?.end(opts.stdin ?? '');
  const done = new Promise<Spawned>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`sluice ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, done };
}

/** Run the source entry with `args` to its end (see {@link startSluice}). */
export function spawnSluice(args: readonly string[], opts: SpawnOptions = {}): Promise<Spawned> {
  return startSluice(args, { timeoutMs: 30_000, ...opts }).done;
}

/**
 * Put `n` jobs of `name` on `queue` through the dead-letter script, as a worker would after the last attempt.
 * Returns their dead-letter ids, oldest first.
 */
export async function seedDead(
  c: { redis: string; prefix: string },
  queue: string,
  n: number,
  error = 'SMTP said no',
): Promise<string[]> {
  const sluice = await createSluice({ url: c.redis, prefix: c.prefix });
  try {
    const k = sluice.keys(queue);
    for (let i = 0; i < n; i++) await sluice.enqueue('send-email', { to: `user${i}@example.com` }, { queue });
    const entries = await crashedConsumer(sluice.connection, k, { count: n, consumer: 'test:1:a' });
    const ids: string[] = [];
    for (const { id: entryId, fields } of entries) {
      const r = await deadLetter(
        sluice.connection,
        k,
        'test:1:a',
        { entryId, deliveries: 1 },
        {
          fields,
          reason: 'failed',
          error,
          stack: `Error: ${error}\n    at handler (jobs.ts:1:1)`,
          attempts: 3,
          failedAt: Date.now(),
        },
      );
      if (!r.ok) throw new Error(`dead-letter of ${entryId} failed: lease lost ${r.lost}`);
      ids.push(r.deadId);
    }
    return ids;
  } finally {
    await sluice.close();
  }
}
