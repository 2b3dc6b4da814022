/** `sluice worker drain` as a process: SIGTERM stops it gracefully, as `worker start` (summary, exit 0, nothing left). */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSluice } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { conn, startSluice } from './cli-helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/drain-jobs.ts', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setUp(n: number) {
  const c = conn();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-drain-'));
  dirs.push(dir);
  const s = await createSluice({ url: c.redis, prefix: c.prefix });
  for (let i = 0; i < n; i++) await s.enqueue('step', {});
  const args = ['worker', 'drain', FIXTURE, '--budget', '60s', '--concurrency', '1', '--log-level', 'info', '--json'];
  const p = startSluice([...args, '--redis', c.redis, '--prefix', c.prefix], {
    env: { SLUICE_TEST_DIR: dir },
    timeoutMs: 30_000,
  });
  const started = () => readdirSync(dir).filter((f) => f.startsWith('started-')).length;
  await waitFor(() => started() === 1, 'the first job to start', 20_000);
  let stderr = '';
  p.child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  return { s, dir, p, started, stderr: () => stderr };
}

describe('sluice worker drain: stop signals', () => {
  it('SIGTERM: the running job finishes, the summary is printed, exit 0, no job running, no consumer left', async () => {
    const { s, dir, p, started, stderr } = await setUp(3);
    p.child.kill('SIGTERM');
    await waitFor(() => stderr().includes('signal received: stopping gracefully'), 'the signal to be handled');
    writeFileSync(join(dir, 'release'), '');
    const done = await p.done;
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({
      processed: 1,
      succeeded: 1,
      remaining: 2,
      stoppedBecause: 'signal',
    });
    expect(started()).toBe(1);
    const k = s.keys('step');
    expect(Number(await s.connection.send(['XLEN', k.stream]))).toBe(2);
    expect(((await s.connection.send(['XPENDING', k.stream, GROUP])) as [number])[0]).toBe(0);
    expect(await s.connection.send(['XINFO', 'CONSUMERS', k.stream, GROUP])).toEqual([]);
    await s.close();
  });

  it('a second signal exits at once with 143, as `worker start` does', async () => {
    const { s, p, stderr } = await setUp(1);
    p.child.kill('SIGTERM');
    await waitFor(() => stderr().includes('signal received: stopping gracefully'), 'the signal to be handled');
    p.child.kill('SIGTERM');
    expect((await p.done).code).toBe(143);
    await s.close();
  });
});
