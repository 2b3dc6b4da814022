/** `sluice worker drain` and `sluice worker push` through their exported functions (and push as a process). */
import { resolvePushOptions, workerDrainCommand, workerPushCommand } from '@sluice/cli';
import { createSluice, defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { handlerServer } from '../drivers/push-harness.js';
import { waitFor } from '../helpers.js';
import { conn, JOBS_FIXTURE, run, startSluice } from './cli-helpers.js';

async function enqueueReports(c: { redis: string; prefix: string }, n: number): Promise<void> {
  const s = await createSluice({ url: c.redis, prefix: c.prefix });
  for (let i = 0; i < n; i++) await s.enqueue('report', {});
  await s.close();
}

describe('sluice worker drain', () => {
  it('--json prints the result; the queue is drained', async () => {
    const c = conn();
    await enqueueReports(c, 3);
    const r = await run((io) => workerDrainCommand({ ...c, modules: [JOBS_FIXTURE], budget: '5s', json: true }, io));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.join('\n')) as Record<string, unknown>;
    expect(out).toMatchObject({
      processed: 3,
      succeeded: 3,
      retried: 0,
      dead: 0,
      remaining: 0,
      stoppedBecause: 'empty',
    });
    expect(out.durationMs).toEqual(expect.any(Number));
    expect(r.stderr).toEqual([]);
  });

  it('prints one summary line without --json', async () => {
    const c = conn();
    await enqueueReports(c, 1);
    const r = await run((io) =>
      workerDrainCommand({ ...c, modules: [JOBS_FIXTURE], budget: '5s', queues: ['report'] }, io),
    );
    expect(r.stdout).toEqual([
      expect.stringMatching(/^drained 1 job in \d+ms: 1 succeeded, 0 retried, 0 dead; 0 remaining \(stopped: empty\)$/),
    ]);
  });

  it('names the jobs that did not fit the budget, in the line and the JSON', async () => {
    const c = conn();
    await enqueueReports(c, 2);
    const flags = { ...c, modules: [JOBS_FIXTURE], budget: '1s', queues: ['report'] };
    const text = await run((io) => workerDrainCommand(flags, io));
    expect(text.stdout).toEqual([
      expect.stringMatching(
        /^drained 0 jobs in \d+ms: 0 succeeded, 0 retried, 0 dead; 2 remaining \(stopped: budget; not started, needing more than the \d+ms left: 2 × report \(estimate 1s\)\)$/,
      ),
    ]);
    const r = await run((io) => workerDrainCommand({ ...flags, json: true }, io));
    expect(JSON.parse(r.stdout.join('\n'))).toMatchObject({
      stoppedBecause: 'budget',
      leftMs: expect.any(Number),
      notStarted: [{ queue: 'report', job: 'report', count: 2, costMs: 1000, costFrom: 'estimate' }],
    });
  });

  it('a paused queue is reported as paused', async () => {
    const c = conn();
    await enqueueReports(c, 1);
    const s = await createSluice({ url: c.redis, prefix: c.prefix });
    await s.pause('report');
    await s.close();
    const r = await run((io) =>
      workerDrainCommand({ ...c, modules: [JOBS_FIXTURE], budget: '5s', queues: ['report'] }, io),
    );
    expect(r.stdout).toEqual([expect.stringMatching(/; 1 remaining \(stopped: paused; queue "report" is paused\)$/)]);
  });

  it.each([
    [{ budget: '5s', grace: 'soon' }, /--grace expects a duration like 500ms, 10s or 5m; got "soon"/],
    [{ budget: undefined }, /--budget is required/],
    [{ budget: 'soon' }, /--budget expects a duration like 500ms, 10s or 5m; got "soon"/],
    [{ budget: '10ms' }, /--budget expects at least 100ms/],
    [{ budget: '5s', concurrency: '0' }, /--concurrency expects a whole number >= 1/],
    [{ budget: '5s', queues: ['a b'] }, /--queue must be 1-200 characters/],
    [{ budget: '5s', modules: [] }, /jobs-module argument: give at least one module/],
  ])('%j is a usage error naming the flag', async (flags, message) => {
    const r = await run((io) => workerDrainCommand({ ...conn(), modules: [JOBS_FIXTURE], ...flags }, io));
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([expect.stringMatching(message)]);
  });
});

describe('sluice worker push', () => {
  const env = { PUSH_SECRET: ' new , old ' };

  it('reads the secrets from the variable (comma-separated, first signs)', () => {
    const r = resolvePushOptions({
      ...conn(),
      to: 'http://127.0.0.1:1/x',
      secretEnv: 'PUSH_SECRET',
      env,
      queues: ['q'],
    });
    expect(r.secrets).toEqual(['new', 'old']);
  });

  it.each([
    [{ to: 'ftp://x' }, /--to expects an http\(s\) URL/],
    [{ to: undefined }, /--to expects an http\(s\) URL/],
    [{ secretEnv: 'NOPE_UNSET' }, /--secret-env names NOPE_UNSET, which is not set or empty/],
    [{ secretEnv: undefined }, /--secret-env is required/],
    [{ queues: [] }, /--queue: name the queues to push/],
    [{ timeout: 'later' }, /--timeout expects a duration/],
  ])('%j is a usage error naming the flag', async (flags, message) => {
    const base = { ...conn(), to: 'http://127.0.0.1:1/x', secretEnv: 'PUSH_SECRET', env, queues: ['q'] };
    const r = await run((io) => workerPushCommand({ ...base, ...flags }, io));
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([expect.stringMatching(message)]);
  });

  it('pushes the queue to the handler until SIGTERM, then exits 0', async () => {
    const c = conn();
    const seen: string[] = [];
    const report = defineJob({ name: 'report', handler: (_p: object, ctx) => void seen.push(ctx.jobId) });
    const srv = await handlerServer({ jobs: [report], secrets: ['new', 'old'] });
    const g = ['--redis', c.redis, '--prefix', c.prefix];
    const p = startSluice(
      [
        'worker',
        'push',
        '--to',
        srv.url,
        '--secret-env',
        'PUSH_SECRET',
        '--queue',
        'report',
        '--log-level',
        'warn',
        ...g,
      ],
      { env },
    );
    await enqueueReports(c, 2);
    await waitFor(() => seen.length === 2, 'both jobs to be pushed', 15_000);
    p.child.kill('SIGTERM');
    expect((await p.done).code).toBe(0);
    await srv.close();
  });
});
