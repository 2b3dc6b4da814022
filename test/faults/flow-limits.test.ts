/**
 * Fault suite: flow control under repeated worker SIGKILLs (3 worker processes of test/flow/flow-app.ts, each
 * killed one is replaced). Checked over the handlers' timestamps (test/flow/checker.ts): global and per-key
 * concurrency never exceeded, every job finishes (a dead worker's slots come back after its lease), and a rate
 * limit holds: checked over the limiter's own grants (server times, read from the AOF: test/flow/grants.ts), not
 * over handler start times, which bunch when the machine is busy.
 */
import { createSluice, defineJob, type Sluice } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { maxInSlidingWindow, maxOverlap } from '../flow/checker.js';
import { grantsOf, startLoggedRedis } from '../flow/grants.js';
import { type FlowProc, FlowProcs, spansOf } from '../flow/procs.js';
import { type StartedRedis, startRedisServer } from '../redis-server.js';
import { sleep, waitFor } from '../wait.js';

const fc = defineJob({ name: 'fc', handler: (_p: { n: number; k: string; ms: number }) => {} });
const rl = defineJob({ name: 'rl', handler: (_p: { n: number }) => {} });
let procs: FlowProcs | undefined;
let redis: StartedRedis | undefined;
let sluice: Sluice | undefined;

afterEach(async () => {
  await procs?.killAll();
  await sluice?.close();
  await redis?.stop();
  procs = undefined;
  sluice = undefined;
  redis = undefined;
});

/** A private server (logging every write when `logged`), a producer on it, and 3 flow workers with `env`. */
async function setUp(env: Record<string, string>, logged = false): Promise<{ s: Sluice; p: FlowProcs }> {
  redis = await (logged ? startLoggedRedis() : startRedisServer());
  sluice = await createSluice({ url: redis.url, prefix: 'faults' });
  procs = new FlowProcs({ REDIS_URL: redis.url, PREFIX: 'faults', LEASE: '800', ...env });
  await Promise.all([procs.spawn(), procs.spawn(), procs.spawn()]);
  return { s: sluice, p: procs };
}

/** The `fc` jobs of a test: how many were enqueued (n = 0 .. total - 1), and how to enqueue more. */
interface Backlog {
  total: number;
  enqueue: (from: number, count: number) => Promise<void>;
}

const payload = (n: number) => ({ n, k: `k${n % 8}`, ms: 100 + (n % 5) * 40 });

/** The `n` of every `fc` job that ran to the end. */
const ended = (p: FlowProcs) =>
  new Set(
    spansOf(p.records())
      .filter((x) => x.end !== undefined)
      .map((x) => x.n),
  );

/**
 * SIGKILL a worker that is running a job, `times` times, replacing each; returns pid -> kill time. When every
 * job has ended before a kill (a busy machine starts a replacement worker slowly), 40 more are enqueued, so a
 * kill always finds a running job.
 */
async function killRunning(p: FlowProcs, times: number, jobs: Backlog): Promise<Map<number, number>> {
  const killed = new Map<number, number>();
  for (let i = 0; i < times; i++) {
    const busy = await waitFor(
      async () => {
        const open = spansOf(p.records()).filter((x) => x.end === undefined && !killed.has(x.pid));
        const q = p.procs.find((q: FlowProc) => !killed.has(q.pid) && open.some((x) => x.pid === q.pid));
        if (!q && ended(p).size === jobs.total) {
          await jobs.enqueue(jobs.total, 40);
          jobs.total += 40;
        }
        return q;
      },
      'a worker running a job',
      60_000,
      5,
    );
    killed.set(busy.pid, await p.kill(busy));
    await p.spawn();
    await sleep(300);
  }
  return killed;
}

describe('flow control under worker SIGKILLs', () => {
  it('global and per-key concurrency hold and every job finishes', async () => {
    const { s, p } = await setUp({ GLOBAL: '5', CONCURRENCY: '6' });
    const jobs: Backlog = {
      total: 300,
      enqueue: async (from, count) => {
        await s.enqueueMany(
          fc,
          Array.from({ length: count }, (_, i) => payload(from + i)),
        );
      },
    };
    await jobs.enqueue(0, jobs.total);
    const killed = await killRunning(p, 3, jobs);
    await waitFor(() => ended(p).size === jobs.total, 'every job ran to the end', 90_000, 100);
    const spans = spansOf(p.records()).map((x) => ({ ...x, end: x.end ?? killed.get(x.pid) }));
    expect(spans.filter((x) => x.end === undefined)).toEqual([]);
    expect(spans.some((x) => killed.has(x.pid) && x.end === killed.get(x.pid))).toBe(true);
    const held = spans.filter((x) => !x.leaseLost); // see spansOf
    expect(maxOverlap(held).max).toBeLessThanOrEqual(5);
    expect(maxOverlap(held, { byKey: true }).max).toBe(1);
    const fk = s.keys('fc').flowOf('fc');
    await waitFor(async () => Number(await s.connection.send(['ZCARD', fk.slots])) === 0, 'slots free');
  });

  it('with high, low and grouped jobs (lanes): the limits hold, every job finishes, lane slots come back', async () => {
    const { s, p } = await setUp({ GLOBAL: '5', CONCURRENCY: '6' });
    const jobs: Backlog = {
      total: 240,
      // a third low, a third high, a third grouped
      enqueue: async (from, count) => {
        const ns = Array.from({ length: count }, (_, i) => from + i);
        await s.enqueueMany(fc, ns.filter((n) => n % 3 === 0).map(payload), { priority: 'low' });
        await s.enqueueMany(fc, ns.filter((n) => n % 3 === 1).map(payload), { priority: 'high' });
        for (const n of ns.filter((n) => n % 3 === 2)) await s.enqueue(fc, payload(n), { group: `t${n % 4}` });
      },
    };
    await jobs.enqueue(0, jobs.total);
    const killed = await killRunning(p, 3, jobs);
    await waitFor(() => ended(p).size === jobs.total, 'every job ran to the end', 90_000, 100);
    const spans = spansOf(p.records()).map((x) => ({ ...x, end: x.end ?? killed.get(x.pid) }));
    expect(spans.filter((x) => x.end === undefined)).toEqual([]);
    const held = spans.filter((x) => !x.leaseLost); // see spansOf
    expect(maxOverlap(held).max).toBeLessThanOrEqual(5);
    expect(maxOverlap(held, { byKey: true }).max).toBe(1);
    const fk = s.keys('fc').flowOf('fc');
    await waitFor(async () => Number(await s.connection.send(['ZCARD', fk.slots])) === 0, 'slots free');
    for (let i = 0; i < 8; i++) {
      await waitFor(async () => Number(await s.connection.send(['ZCARD', fk.keySlots(`k${i}`)])) === 0, `k${i} free`);
    }
  });

  it('a rate limit of 20/s is never over-granted across SIGKILLs; every job is granted and runs', async () => {
    const R = 20;
    const { s, p } = await setUp({ RATE: String(R), CONCURRENCY: '10' }, true);
    const total = R * 12;
    await s.enqueueMany(
      rl,
      Array.from({ length: total }, (_, n) => ({ n })),
    );
    await waitFor(() => p.records().length > 0, 'first start', 30_000);
    for (let i = 0; i < 2; i++) {
      await sleep(1500);
      const victim = p.procs.find((q) => q.child.exitCode === null && q.child.signalCode === null);
      if (victim) await p.kill(victim);
      await p.spawn();
    }
    const runs = () => new Set(p.records().flatMap((r) => (r.t === 'start' ? [r.n] : [])));
    await waitFor(() => runs().size === total, `all ${total} ran`, 90_000, 100);
    // The limiter's grants (server times from TIME in flow-start): no window of one period holds more than R, and
    // every job had one (a run starts only on a grant; a job re-run after its worker was killed reuses its own).
    const grants = grantsOf(redis as StartedRedis, s.keys('rl').flowOf('rl').rate(''));
    const at = grants.map((g) => g.at);
    expect(maxInSlidingWindow(at, 1000)).toBeLessThanOrEqual(R);
    expect(new Set(grants.map((g) => g.member.slice(0, g.member.lastIndexOf('#')))).size).toBe(total);
    expect((await s.stats('rl'))[0]?.flow.delayed).toBeGreaterThan(0);
  });
});
