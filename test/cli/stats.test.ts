import { captureOutput, enqueueCommand, type StatsReport, statsCommand } from '@sluice/cli';
import { createSluice, defineJob } from '@sluice/core';
import { createWorker } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { track, waitFor } from '../helpers.js';
import { deliveredTo } from '../queue-fixtures.js';
import { conn, run, seedDead } from './cli-helpers.js';

type C = ReturnType<typeof conn>;

/**
 * emails: 2 ready + 1 running (read by a consumer), 2 dead, paused; later: 1 delayed (its `wake` marker entry is
 * not a ready job); reports: 1 ready.
 */
async function seed(c: C) {
  await seedDead(c, 'emails', 2); // enqueues, reads and dead-letters two jobs
  for (let i = 0; i < 3; i++) await run((io) => enqueueCommand({ ...c, job: 'emails', queue: 'emails' }, io));
  await run((io) => enqueueCommand({ ...c, job: 'later', queue: 'later', delay: '1h' }, io));
  await run((io) => enqueueCommand({ ...c, job: 'reports', queue: 'reports' }, io));
  const sluice = await createSluice({ url: c.redis, prefix: c.prefix });
  await deliveredTo(sluice.connection, sluice.keys('emails'), 'host:9:z'); // one job running
  await sluice.pause('emails');
  await sluice.close();
}

describe('sluice queue stats', () => {
  it('prints an aligned table of every queue', async () => {
    const c = conn();
    await seed(c);
    const r = await run((io) => statsCommand(c, io));
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toBe('QUEUE    READY  RUNNING  DELAYED  DEAD  WORKERS  OLDEST READY  OLDEST RUNNING  PAUSED');
    expect(r.stdout[1]).toMatch(/^emails\s+2\s+1\s+0\s+2\s+0\s+\d+ms\s+\d+ms\s+yes$/);
    expect(r.stdout[2]).toMatch(/^later\s+0\s+0\s+1\s+0\s+0\s+-\s+-\s+no$/);
    expect(r.stdout[3]).toMatch(/^reports\s+1\s+0\s+0\s+0\s+0\s+\d+ms\s+-\s+no$/);
    const col = (line: string | undefined) => line?.indexOf('PAUSED') ?? -1;
    expect(r.stdout[1]?.slice(col(r.stdout[0])).trim()).toBe('yes'); // aligned under its header
  });

  it("counts only this prefix's workers: another prefix's worker on a queue of the same name is not one", async () => {
    // Connection names carry no prefix; the test Redis is shared by every file (the dashboard tests run workers
    // on their own `reports` queue), which once made this table show WORKERS 1 under load.
    const c = conn();
    await seed(c);
    const other = conn();
    const job = defineJob({ name: 'report', queue: 'reports', handler: async () => {} });
    const w = await createWorker({ url: other.redis, prefix: other.prefix, jobs: [job], logger: { level: 'silent' } });
    track({ label: 'worker', isOpen: () => w.running, forceClose: () => w.stop() });
    await w.start();
    const s = await createSluice({ url: other.redis, prefix: other.prefix });
    try {
      await waitFor(async () => (await s.listWorkers('reports')).length === 1, 'the other prefix sees its worker');
      const r = await run((io) => statsCommand({ ...c, queues: ['reports'], json: true }, io));
      expect((JSON.parse(r.stdout.join('\n')) as StatsReport).queues[0]).toMatchObject({
        queue: 'reports',
        workers: 0,
      });
      const mine = await run((io) => statsCommand({ ...other, queues: ['reports'], json: true }, io));
      expect((JSON.parse(mine.stdout.join('\n')) as StatsReport).queues[0]).toMatchObject({ workers: 1 });
    } finally {
      await w.stop();
      await s.close();
    }
  });

  it('--json prints the documented shape', async () => {
    const c = conn();
    await seed(c);
    const r = await run((io) => statsCommand({ ...c, queues: ['emails'], json: true }, io));
    const report = JSON.parse(r.stdout.join('\n')) as StatsReport;
    expect(report).toEqual({
      version: 1,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      prefix: c.prefix,
      queues: [
        {
          queue: 'emails',
          ready: 2,
          running: 1,
          delayed: 0,
          dead: 2,
          paused: true,
          oldestReadyAgeMs: expect.any(Number),
          oldestRunningIdleMs: expect.any(Number),
          consumers: expect.arrayContaining([{ name: 'host:9:z', pending: 1, idleMs: expect.any(Number) }]),
          workers: 0, // the seeded consumers are not live workers (no connection of theirs)
          flow: { queued: 0, delayed: 0, skipped: 0, debounced: 0, throttled: 0 },
        },
      ],
      breaches: [],
      ok: true,
    });
  });

  it('exits 1 with one line per breach when a threshold is exceeded, 0 within them', async () => {
    const c = conn();
    await seed(c);
    const within = await run((io) => statsCommand({ ...c, maxReady: 2, maxDead: 2, maxAge: '1h' }, io));
    expect([within.code, within.stderr]).toEqual([0, []]);
    const over = await run((io) =>
      statsCommand(
        { ...c, queues: ['emails', 'reports'], maxReady: 1, maxRunning: 0, maxDelayed: 0, maxDead: 1, maxAge: '0ms' },
        io,
      ),
    );
    expect(over.code).toBe(1);
    expect(over.stderr).toEqual([
      'queue emails: ready 2 exceeds --max-ready 1',
      'queue emails: running 1 exceeds --max-running 0',
      'queue emails: dead 2 exceeds --max-dead 1',
      expect.stringMatching(/^queue emails: oldest ready job is \d+m?s old, exceeds --max-age 0ms$/),
      expect.stringMatching(/^queue reports: oldest ready job is \d+m?s old, exceeds --max-age 0ms$/),
    ]);
    const delayed = await run((io) => statsCommand({ ...c, queues: ['later'], maxDelayed: 0 }, io));
    expect([delayed.code, delayed.stderr]).toEqual([1, ['queue later: delayed 1 exceeds --max-delayed 0']]);
    const json = await run((io) => statsCommand({ ...c, queues: ['reports'], maxReady: 0, json: true }, io));
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout.join('\n'))).toMatchObject({
      ok: false,
      breaches: [{ queue: 'reports', figure: 'ready', value: 1, limit: 0, flag: '--max-ready' }],
    });
  });

  it('--watch refreshes until stopped (iterations, or the signal)', async () => {
    const c = conn();
    await run((io) => enqueueCommand({ ...c, job: 'emails', queue: 'emails' }, io));
    const r = await run((io) => statsCommand({ ...c, watch: '100ms', iterations: 3, json: true }, io));
    expect(r.stdout).toHaveLength(3); // one JSON line per refresh
    expect(r.stdout.map((l) => (JSON.parse(l) as StatsReport).queues[0]?.ready)).toEqual([1, 1, 1]);
    const ac = new AbortController();
    const io = captureOutput();
    const refreshes = () => io.stdout.filter((l) => l.startsWith('every 100ms')).length;
    const watching = run((out) => statsCommand({ ...c, watch: '100ms', signal: ac.signal }, out), io);
    await waitFor(() => refreshes() >= 2, 'two refreshes');
    const aborted = Date.now();
    ac.abort();
    const text = await watching;
    expect(Date.now() - aborted).toBeLessThan(1750); // as before: the abort came at 250 ms of a 2 s bound
    expect(text.code).toBe(0);
    expect(text.stdout.filter((l) => l.startsWith('every 100ms')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a queue it does not know (exit 2, naming the known ones) and says when there are none', async () => {
    const c = conn();
    const none = await run((io) => statsCommand(c, io));
    expect(none.stdout).toEqual([`no queues under prefix "${c.prefix}"`]);
    const empty = await run((io) => statsCommand({ ...c, queues: ['emials'], maxReady: '0' }, io));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toEqual([
      `sluice: queue argument: no queue named "emials" under prefix "${c.prefix}" (no queues yet)`,
    ]);
    await run((io) => enqueueCommand({ ...c, job: 'emails', queue: 'emails' }, io));
    // A CI gate with a typo'd queue fails instead of passing for good.
    const typo = await run((io) => statsCommand({ ...c, queues: ['emails', 'emials', 'smss'], maxReady: '0' }, io));
    expect(typo.code).toBe(2);
    expect(typo.stdout).toEqual([]);
    expect(typo.stderr).toEqual([
      `sluice: queue argument: no queues named "emials", "smss" under prefix "${c.prefix}" (known queues: emails)`,
    ]);
  });
});
