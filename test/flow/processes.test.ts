/**
 * Flow control across 3 worker processes, checked over the timestamps the handlers record (checker.ts):
 * global and per-key concurrency never exceeded, including across a worker SIGKILL (its slots free after the
 * lease and its jobs finish elsewhere); a rate limit of R/s holds within 10% over 10 s.
 */
import { defineJob } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl, uniquePrefix, waitFor } from '../helpers.js';
import { producer } from '../worker/harness.js';
import { countsPerWindow, maxInSlidingWindow, maxOverlap } from './checker.js';
import { FlowProcs, spansOf } from './procs.js';

const fc = defineJob({ name: 'fc', handler: (_p: { n: number; k: string; ms: number }) => {} });
const rl = defineJob({ name: 'rl', handler: (_p: { n: number }) => {} });
let procs: FlowProcs | undefined;

afterEach(async () => {
  await procs?.killAll();
  procs = undefined;
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
    expect(maxOverlap(spans, { killedAt }).max).toBeLessThanOrEqual(4);
    expect(maxOverlap(spans, { killedAt, byKey: true }).max).toBe(1);
    // the slots the dead worker held came back: other workers ran its jobs, and nothing is held now
    for (const x of cut) expect(spans.some((y) => y.n === x.n && y.end !== undefined)).toBe(true);
    const fk = s.keys('fc').flowOf('fc');
    await waitFor(async () => Number(await s.connection.send(['ZCARD', fk.slots])) === 0, 'global slots free');
    expect((await s.stats('fc'))[0]?.flow.queued).toBeGreaterThan(0);
    await s.close();
  });

  it('a rate limit of 30/s holds within 10% over 10 s with 3 workers', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const R = 30;
    procs = new FlowProcs({ REDIS_URL: redisUrl(), PREFIX: prefix, RATE: String(R), CONCURRENCY: '10' });
    await Promise.all([procs.spawn(), procs.spawn(), procs.spawn()]);
    const total = R * 12;
    await s.enqueueMany(
      rl,
      Array.from({ length: total }, (_, n) => ({ n })),
    );
    const starts = () => (procs?.records() ?? []).filter((r) => r.job === 'rl').map((r) => r.at);
    await waitFor(async () => starts().length === total, `all ${total} started`, 45_000);
    const at = starts().sort((x, y) => x - y);
    const t0 = at[0] as number;
    // over 10 s from the first start: 10 R within 10%
    const tenSeconds = countsPerWindow(at, t0, 10_000, 1)[0] as number;
    expect(tenSeconds).toBeGreaterThanOrEqual(R * 10 * 0.9);
    expect(tenSeconds).toBeLessThanOrEqual(R * 10 * 1.1);
    // and no 10 s window anywhere holds more than 10 R + 10%
    expect(maxInSlidingWindow(at, 10_000)).toBeLessThanOrEqual(R * 10 * 1.1);
    // per second: a saturated log grants R at once each period, so starts come in one burst a second; windows
    // centred on the bursts (from t0 - 500 ms) each hold R within 10%. A handler starts a few ms (under load tens
    // of ms) after its grant, which is why windows starting at a burst would split one.
    for (const n of countsPerWindow(at, t0 - 500, 1000, 10)) {
      expect(n).toBeGreaterThanOrEqual(R * 0.9);
      expect(n).toBeLessThanOrEqual(R * 1.1);
    }
    // never dropped: every job ran once
    expect(new Set(procs.records().map((r) => r.n)).size).toBe(total);
    expect((await s.stats('rl'))[0]?.flow.delayed).toBeGreaterThan(0);
    await s.close();
  });
});
