/** Spawn tests of the `sluice` binary (the source entry through tsx, so no build is needed). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { enqueueCommand, statsCommand } from '@sluice/cli';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { freePort } from '../redis-server.js';
import { CONNECT_CLOCK, conn, run, spawnSluice, startSluice } from './cli-helpers.js';

const global = (c: { redis: string; prefix: string }) => ['--redis', c.redis, '--prefix', c.prefix];

describe('the sluice binary', () => {
  it('exit 0: enqueue prints the id; stats --json prints the documented shape', async () => {
    const c = conn();
    const enq = await spawnSluice(['enqueue', 'emails', '{"to":"ada@example.com"}', '--queue', 'emails', ...global(c)]);
    expect([enq.code, enq.stderr]).toEqual([0, '']);
    expect(enq.stdout).toMatch(/^\d+-\d+\n$/); // the stream entry id is the job id
    const stats = await spawnSluice(['queue', 'stats', '--json', ...global(c)]);
    expect([stats.code, stats.stderr]).toEqual([0, '']);
    expect(JSON.parse(stats.stdout)).toMatchObject({
      version: 1,
      prefix: c.prefix,
      ok: true,
      breaches: [],
      queues: [{ queue: 'emails', ready: 1, running: 0, delayed: 0, dead: 0, paused: false, consumers: [] }],
    });
  });

  it('exit 1: a threshold is exceeded, one line per breach on stderr', async () => {
    const c = conn();
    // the setup runs in-process (a spawn costs seconds); the binary under test is the stats run
    for (let i = 0; i < 2; i++) await run((io) => enqueueCommand({ ...c, job: 'emails', queue: 'emails' }, io));
    const r = await spawnSluice(['queue', 'stats', '--max-ready', '1', ...global(c)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('queue emails: ready 2 exceeds --max-ready 1\n');
    expect(r.stdout).toMatch(/^QUEUE\s+READY/);
  });

  it('exit 2: usage errors, one line and no stack (stack with --verbose)', async () => {
    const r = await spawnSluice(['enqueue', 'emails', '--delay', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sluice: --delay expects a duration like 500ms, 10s or 5m; got "soon"\n');
    const verbose = await spawnSluice(['enqueue', 'emails', '--delay', 'soon', '--verbose']);
    expect(verbose.code).toBe(2);
    expect(verbose.stderr).toMatch(/^sluice: --delay expects.*\nExitError: .*\n\s+at /);
    const unknown = await spawnSluice(['queue', 'stat']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^sluice: unknown command 'stat'\n\(Did you mean stats\?\)\n$/);
  });

  it('exit 2 within 3 s of its first connect attempt when Redis is unreachable (URL from REDIS_URL)', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    // Timed from the first connect attempt (not from spawn): Node's start-up is not what is measured.
    const clockFile = join(mkdtempSync(join(tmpdir(), 'sluice-bin-')), 'connect.json');
    const r = await spawnSluice(['queue', 'stats'], {
      env: { REDIS_URL: url, CONNECT_CLOCK_FILE: clockFile },
      preload: [CONNECT_CLOCK],
    });
    const { connectToExitMs } = JSON.parse(readFileSync(clockFile, 'utf8')) as { connectToExitMs: number | null };
    rmSync(dirname(clockFile), { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(connectToExitMs).not.toBeNull();
    expect(connectToExitMs).toBeLessThan(3000);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`sluice: cannot connect to Redis at ${url}: connect ECONNREFUSED ${url.slice(8)}\n`);
  });

  it('--ndjson with a bad line: line number on stderr, nothing written, exit 2', async () => {
    const c = conn();
    const bad = await spawnSluice(['enqueue', 'emails', '--ndjson', '--queue', 'emails', ...global(c)], {
      stdin: '{"a":1}\n{"a":\n{"a":3}\n',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toMatch(/^line 2: not JSON/);
    expect(bad.stderr.split('\n')[1]).toBe(
      'sluice: --ndjson: 1 bad line of 3; nothing was enqueued (fix them and run again)',
    );
    const stats = await run((io) => statsCommand({ ...c, json: true }, io));
    expect(JSON.parse(stats.stdout.join('\n')).queues).toEqual([]);
    const good = await spawnSluice(['enqueue', 'emails', '--ndjson', '--queue', 'emails', ...global(c)], {
      stdin: '{"a":1}\n{"a":3}\n',
    });
    expect([good.code, good.stdout]).toEqual([0, 'enqueued 2 jobs to queue emails\n']);
  });

  it('--help and --version exit 0', async () => {
    const help = await spawnSluice(['queue', 'stats', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect((await spawnSluice(['--version'])).stdout).toBe('0.1.0\n');
  });

  it('queue stats --watch stops on Ctrl-C (SIGINT) with the exit code of the last refresh', async () => {
    const c = conn();
    let out = '';
    const watch = startSluice([
      'queue',
      'stats',
      '--watch',
      '100ms',
      '--json',
      '--redis',
      c.redis,
      '--prefix',
      c.prefix,
    ]);
    watch.child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    await waitFor(() => out.split('\n').length > 2, 'two refreshes');
    watch.child.kill('SIGINT');
    const done = await watch.done;
    expect([done.code, done.stderr]).toEqual([0, '']);
    expect(JSON.parse(done.stdout.split('\n')[0] ?? '')).toMatchObject({ version: 1, ok: true });
  });
});
