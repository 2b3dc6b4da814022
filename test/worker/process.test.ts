/** Worker processes and real signals: SIGKILL mid-job (another process finishes after the lease), SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineJob } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl, uniquePrefix, waitFor } from '../helpers.js';
import { consumersOf, pendingOf as pendingIds } from '../queue-fixtures.js';
import { producer, streamState } from './harness.js';

const fixture = fileURLToPath(new URL('../fixtures/worker-app.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];
const work = defineJob({ name: 'work', handler: (_p: { ms: number }) => {} });

interface Proc {
  child: ChildProcess;
  consumer: string;
  /** Everything the process printed on stdout so far. */
  stdout: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function spawnWorker(prefix: string, env: Record<string, string> = {}): Promise<Proc> {
  const child = spawn(process.execPath, ['--conditions=@sluice/source', '--import', 'tsx', fixture], {
    cwd: root,
    env: { ...process.env, REDIS_URL: redisUrl(), PREFIX: prefix, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let out = '';
  if (process.env.TEST_CHILD_LOG) child.stdout?.on('data', (d) => process.stderr.write(String(d)));
  let err = '';
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  const consumer = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker process did not start within 30 s: ${err}`)), 30_000);
    child.stdout?.on('data', (d) => {
      out += String(d);
      const m = /ready (\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`worker process exited with ${code}: ${err}`));
    });
  });
  return { child, consumer, exit, stdout: () => out };
}

afterEach(() => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
});

const pendingOf = async (s: Awaited<ReturnType<typeof producer>>, consumer: string) =>
  (await pendingIds(s.connection, s.keys('work'), consumer)).length;

describe('worker processes', () => {
  it('SIGKILL mid-job: another worker process finishes every job after the lease', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const a = await spawnWorker(prefix, { LEASE: '800' });
    const ids = (
      await s.enqueueMany(
        work,
        Array.from({ length: 6 }, () => ({ ms: 1500 })),
      )
    ).map((r) => r.id);
    await waitFor(async () => (await pendingOf(s, a.consumer)) === 6, 'A holds all six');
    process.kill(a.child.pid as number, 'SIGKILL');
    expect((await a.exit).signal).toBe('SIGKILL');
    const b = await spawnWorker(prefix, { LEASE: '800' });
    const done = async () => (await s.connection.send(['LRANGE', `${prefix}:done`, '0', '-1'])) as string[];
    await waitFor(async () => new Set((await done()).map((d) => d.split(':')[0])).size === 6, 'every job done');
    expect(new Set((await done()).map((d) => d.split(':')[0]))).toEqual(new Set(ids));
    await waitFor(async () => (await streamState(s, s.keys('work'))).pending === 0, 'pending list empty');
    expect(await streamState(s, s.keys('work'))).toEqual({ len: 0, pending: 0 });
    process.kill(b.child.pid as number, 'SIGTERM');
    expect((await b.exit).code).toBe(0);
    await s.close();
  });

  it('SIGTERM with jobs running: hands them back, removes the consumer, exits 0', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const a = await spawnWorker(prefix, { GRACE: '300', LEASE: '5000' });
    await s.enqueueMany(work, [{ ms: 100 }, { ms: 4000 }, { ms: 4000 }]);
    await waitFor(async () => (await pendingOf(s, a.consumer)) === 2, 'A runs the long jobs');
    process.kill(a.child.pid as number, 'SIGTERM');
    expect((await a.exit).code).toBe(0);
    // the two 4 s jobs were not waited for (grace 300 ms): handed back unfinished, only the short job is done
    const k = s.keys('work');
    expect(await streamState(s, k)).toEqual({ len: 2, pending: 0 });
    expect((await s.connection.send(['LRANGE', `${prefix}:done`, '0', '-1'])) as string[]).toHaveLength(1);
    expect(await consumersOf(s.connection, k)).toHaveLength(0);
    await s.close();
  });

  it('a second signal exits at once', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const a = await spawnWorker(prefix, { GRACE: '10000', IGNORE_SIGNAL: '1', LOG_LEVEL: 'info' });
    await s.enqueue(work, { ms: 8000 });
    await waitFor(async () => (await pendingOf(s, a.consumer)) === 1, 'A runs the job');
    process.kill(a.child.pid as number, 'SIGTERM');
    await waitFor(() => a.stdout().includes('stopping gracefully'), 'the first signal to be handled');
    process.kill(a.child.pid as number, 'SIGTERM');
    // 143: the second signal's exit, not the graceful one (0), which would have waited for the 8 s job
    expect((await a.exit).code).toBe(143);
    expect((await s.connection.send(['LRANGE', `${prefix}:done`, '0', '-1'])) as string[]).toEqual([]);
    await s.close();
  });
});
