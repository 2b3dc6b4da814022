/**
 * Flow control on a 3-master Redis Cluster: the flow-start, ack-release, enqueue-flow scripts and the releases in
 * retry-later and dead-letter touch only keys of the queue's hash tag, for queues on every master. Global and
 * per-key concurrency hold (checked over the handlers' timestamps), rate-limited jobs all run, debounce and throttle
 * answer `skipped`.
 */
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { maxOverlap, type Span } from '../flow/checker.js';
import { sleep, waitFor } from '../helpers.js';
import { useCluster } from './fixture.js';
import { slotOwner } from './slots.js';

const fx = useCluster();

const QUEUES = ['fa', 'fb', 'fc', 'fd', 'fe', 'ff'];

describe('flow control on Redis Cluster', () => {
  it('concurrency, rate limit, retries and dead letters release slots on every master; debounce and throttle skip', async () => {
    const owners = new Set(await Promise.all(QUEUES.map((q) => slotOwner(fx.cluster, `${fx.prefix}:{${q}}:stream`))));
    expect(owners.size).toBeGreaterThan(1);
    const spans: Array<Span & { q: string }> = [];
    const done = new Set<string>();
    const job = defineJob({
      name: 'limited',
      concurrency: { global: 2, perKey: 1, key: (p: { q: string; i: number; k: string }) => p.k },
      rateLimit: { limit: 20, period: 200 },
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
      keep: { completed: { count: 100, age: 60_000 } },
      handler: async (p: { q: string; i: number; k: string }, ctx) => {
        const span = { q: p.q, key: `${p.q}/${p.k}`, start: Date.now(), end: undefined as number | undefined };
        spans.push(span);
        await sleep(10);
        span.end = Date.now();
        if (p.i % 5 === 0 && ctx.attempt === 1) throw new Error('retry me');
        if (p.i % 7 === 0) throw new Error('dead');
        done.add(`${p.q}/${p.i}`);
        return { i: p.i };
      },
    });
    const w = await fx.worker({
      jobs: [job],
      queues: QUEUES,
      concurrency: 12,
      lease: 1000,
      blockMs: 1000,
      shutdownGrace: 1000,
    });
    await w.start();
    const handles = new Map<string, { id: string; queue: string }>();
    for (const q of QUEUES) {
      const rs = await fx.sluice.enqueueMany(
        job,
        Array.from({ length: 20 }, (_, i) => ({ q, i, k: `k${i % 3}` })),
        { queue: q },
      );
      handles.set(q, { id: rs[1]?.id ?? '', queue: q });
    }
    const ok = QUEUES.length * 20 - QUEUES.length * 3; // i = 0, 7, 14 die
    await waitFor(async () => done.size === ok, 'every job that can succeed', 30_000);
    // the three that die per queue take two attempts each: wait until they are dead letters and no run is open
    await waitFor(
      async () => (await fx.sluice.stats(QUEUES)).every((s) => s.dead === 3) && spans.every((s) => s.end !== undefined),
      'three dead letters per queue and every run ended',
      30_000,
    );
    for (const q of QUEUES) {
      const mine = spans.filter((s) => s.q === q);
      expect(maxOverlap(mine).max).toBeLessThanOrEqual(2);
      expect(maxOverlap(mine, { byKey: true }).max).toBe(1);
      const fk = fx.sluice.keys(q).flowOf('limited');
      await waitFor(async () => Number(await fx.sluice.connection.send(['ZCARD', fk.slots], fk.slots)) === 0, 'slots');
      // ack-release kept the slot holder's result (keep) and published it on the queue's done channel
      await expect(fx.sluice.waitFor(handles.get(q) ?? { id: '', queue: q }, { timeoutMs: 10_000 })).resolves.toEqual({
        i: 1,
      });
      expect(await fx.sluice.keptCount(q)).toBe(17);
    }

    const throttled = defineJob({ name: 't', throttle: { key: 'x', period: 5000 }, handler: () => {} });
    const debounced = defineJob({ name: 'd', debounce: { key: 'x', period: 5000 }, handler: () => {} });
    for (const q of QUEUES) {
      const a = await fx.sluice.enqueue(throttled, {}, { queue: q });
      expect(await fx.sluice.enqueue(throttled, {}, { queue: q })).toEqual({
        id: a.id,
        deduplicated: false,
        skipped: 'throttled',
        queue: q,
      });
      const b = await fx.sluice.enqueue(debounced, {}, { queue: q });
      expect(await fx.sluice.enqueue(debounced, {}, { queue: q })).toEqual({
        id: b.id,
        deduplicated: false,
        skipped: 'debounced',
        queue: q,
      });
      expect((await fx.sluice.stats(q))[0]?.flow).toMatchObject({ throttled: 1, debounced: 1 });
    }
  });
});
