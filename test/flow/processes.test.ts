/**
 * Flow control across 3 worker processes, checked over the timestamps the handlers record (checker.ts):
 * global and per-key concurrency never exceeded, including across a worker SIGKILL (its slots free after the
 * lease and its jobs finish elsewhere); a rate limit of R/s is never over-granted, checked over the limiter's own
 * grants (server times, from the AOF of a private server: grants.ts), not over handler start times.
 */
import { createSluice, defineJob } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl, uniquePrefix, waitFor } from '../helpers.js';
import type { StartedRedis } from '../redis-server.js';
import { producer } from '../worker/harness.js';
import { maxInSlidingWindow, maxOverlap } from './checker.js';
import { grantsOf, startLoggedRedis } from './grants.js';
import { FlowProcs, spansOf } from './procs.js';

const fc = defineJob({ name: 'fc', handler: (_p: { n: number; k: string; ms: number }) => {} });
const rl = defineJob({ name: 'rl', handler: (_p: { n: number }) => {} });
let procs: FlowProcs | undefined;
let logged: StartedRedis | undefined;

afterEach(async () => {
  await procs?.killAll();
  await logged?.stop();
  procs = undefined;
  logged = undefined;
});

describe('flow control across 3 worker processes', () => {
  it('global 4 and per-key 1 are never exceeded, across a SIGKILL; the dead worker’s slots come back', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    procs = new FlowProcs({ REDIS_URL: redisUrl(), PREFIX: prefix, LEASE: '1000', GLOBAL: '4', CONCURRENCY: '5' });
    const [a] = await Promise.all([procs.spawn(), procs.spawn(), procs.spawn()]);
    const total = 60;
    await s.enqueueMany(
      fc,
      Array.from({ length: total }, (_, n) => ({ n, k: `k${n % 6}`, ms: 150 + (n % 4) * 50 })),
    );
    const victim = a as NonNullable<typeof a>;
    const running = () => spansOf(procs?.records() ?? []).filter((x) => x.pid === victim.pid && x.end === undefined);
    await waitFor(async () => running().length > 0, 'the victim runs a job', 30_000, 5);
    const killedAt = await procs.kill(victim);
    const ended = () =>
      new Set(
        spansOf(procs?.records() ?? [])
          .filter((x) => x.end !== undefined)
          .map((x) => x.n),
      );
    await waitFor(async () => ended().size === total, `all ${total} jobs ran to the end`, 45_000);
    const spans = spansOf(procs.records());
    const cut = spans.filter((x) => x.end === undefined);
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.every((x) => x.pid === victim.pid)).toBe(true);
    const held = spans.filter((x) => !x.leaseLost); // see spansOf
    expect(maxOverlap(held, { killedAt }).max).toBeLessThanOrEqual(4);
    expect(maxOverlap(held, { killedAt, byKey: true }).max).toBe(1);
    // the slots the dead worker held came back: other workers ran its jobs, and nothing is held now
    for (const x of cut) expect(spans.some((y) => y.n === x.n && y.end !== undefined)).toBe(true);
    const fk = s.keys('fc').flowOf('fc');
    await waitFor(async () => Number(await s.connection.send(['ZCARD', fk.slots])) === 0, 'global slots free');
    expect((await s.stats('fc'))[0]?.flow.queued).toBeGreaterThan(0);
    await s.close();
  });

  it('a rate limit of 30/s with 3 workers: no period holds more than 30 grants; every job is granted once and runs', async () => {
    const redis = await startLoggedRedis();
    logged = redis;
    const prefix = uniquePrefix();
    const s = await createSluice({ url: redis.url, prefix });
    const R = 30;
    procs = new FlowProcs({ REDIS_URL: redis.url, PREFIX: prefix, RATE: String(R), CONCURRENCY: '10' });
    await Promise.all([procs.spawn(), procs.spawn(), procs.spawn()]);
    const total = R * 12;
    await s.enqueueMany(
      rl,
      Array.from({ length: total }, (_, n) => ({ n })),
    );
    const starts = () => (procs?.records() ?? []).filter((r) => r.job === 'rl' && r.t === 'start');
    await waitFor(async () => starts().length === total, `all ${total} started`, 45_000);
    // The limiter's grants (flow-start's ZADD to the rate log, at the server's TIME): handler starts are not
    // checked per window, since a busy machine bunches them (a delayed job starts when it is read, after its grant).
    const grants = grantsOf(redis, s.keys('rl').flowOf('rl').rate(''));
    const at = grants.map((g) => g.at);
    expect(maxInSlidingWindow(at, 1000)).toBeLessThanOrEqual(R);
    // one member per job (id#attempt); a job whose grant was pruned before it was read again is granted anew
    expect(new Set(grants.map((g) => g.member)).size).toBe(total);
    // never dropped: every job ran once; the excess waited in the delayed set
    expect(new Set(starts().map((r) => r.n)).size).toBe(total);
    expect((await s.stats('rl'))[0]?.flow.delayed).toBeGreaterThan(0);
    await s.close();
  });
});
