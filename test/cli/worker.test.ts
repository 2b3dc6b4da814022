import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enqueueCommand, type StatsReport, statsCommand, workerStartCommand } from '@sluice/cli';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { freePort } from '../redis-server.js';
import { conn, JOBS_FIXTURE, run, spawnSluice, startSluice } from './cli-helpers.js';

describe('sluice worker start', () => {
  it('runs the jobs of the modules until SIGTERM, then exits 0', async () => {
    const c = conn();
    const g = ['--redis', c.redis, '--prefix', c.prefix];
    // Only the worker is a child process; the enqueues and the stats run in-process (each spawn costs seconds).
    for (let i = 0; i < 5; i++)
      await run((io) => enqueueCommand({ ...c, job: 'report', queue: 'report', payload: '{}' }, io));
    const worker = startSluice(['worker', 'start', JOBS_FIXTURE, '--concurrency', '2', '--log-level', 'warn', ...g]);
    await waitFor(
      async () => {
        const r = await run((io) => statsCommand({ ...c, queues: ['report'], json: true }, io));
        const q = (JSON.parse(r.stdout.join('\n')) as StatsReport).queues[0];
        return q && q.ready === 0 && q.running === 0 && q.workers === 1;
      },
      'the worker to drain the queue',
      30_000,
    );
    worker.child.kill('SIGTERM');
    const done = await worker.done;
    expect(done.code).toBe(0);
  });

  it('a module that cannot be loaded is a usage error naming the argument', async () => {
    const r = await run((io) => workerStartCommand({ ...conn(), modules: ['./no/such/jobs.js'] }, io));
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      expect.stringMatching(/^sluice: jobs-module argument: cannot load job module "\.\/no\/such\/jobs\.js"/),
    ]);
  });

  it('resolves job modules from the working directory, never from the files of Sluice', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'sluice-cwd-'));
    try {
      // ./index.js sits beside the loader in Sluice's own files: it once loaded Sluice itself.
      const r = await spawnSluice(['worker', 'start', './index.js', '--redis', conn().redis], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        `sluice: jobs-module argument: cannot load job module "./index.js": no such file ${join(cwd, 'index.js')}`,
      );
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('unreachable Redis fails fast with one line, exit 2', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const r = await run((io) => workerStartCommand({ redis: url, modules: [JOBS_FIXTURE] }, io));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([`sluice: cannot connect to Redis at ${url}: connect ECONNREFUSED ${url.slice(8)}`]);
  });
});
