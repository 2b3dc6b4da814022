/** The batched scripts on a real Redis: batches past Lua's unpack limit, and fence_many against the per-id fence. */
import { ackDeliveries, envelopeFields, GROUP, LeaseLost, renewLeases } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { rawClient, uniquePrefix, waitFor } from '../helpers.js';
import { conn, delivered, env, k, pendingCount, read, send, steal, useScriptQueue, xlen } from './script-harness.js';

useScriptQueue();

describe('large batches', () => {
  it('acks and renews 9000 deliveries in one call each (more than Lua can unpack at once)', async () => {
    const n = 9000;
    for (let i = 0; i < n; i += 1000) {
      await Promise.all(
        Array.from({ length: Math.min(1000, n - i) }, (_, j) =>
          send('XADD', k.stream, '*', ...envelopeFields(env({ id: `b${i + j}` }))),
        ),
      );
    }
    const got = await read('c1', n);
    expect(got).toHaveLength(n);
    const ds = got.map(([entryId]) => ({ entryId, deliveries: 1 }));
    expect((await renewLeases(conn, k, 'c1', ds)).every((r) => r.ok)).toBe(true);
    expect((await ackDeliveries(conn, k, 'c1', ds)).every((r) => r.ok)).toBe(true);
    expect(await xlen(k.stream)).toBe(0);
    expect(await pendingCount()).toBe(0);
  });
});

describe('batched fence (fence_many: one XPENDING per batch, the single-id fence for what it does not list)', () => {
  /** The single-id fence, as the Lua `fence` computes it: the reference every batched code must equal. */
  async function singleFence(consumer: string, d: { entryId: string; deliveries: number }): Promise<number> {
    const [e] = (await send('XPENDING', k.stream, GROUP, d.entryId, d.entryId, '1')) as Array<
      [string, string, number, number]
    >;
    if (!e) return LeaseLost.NotPending;
    if (e[1] !== consumer) return LeaseLost.WrongOwner;
    if (String(e[3]) !== String(d.deliveries)) return LeaseLost.WrongDelivery;
    return 1;
  }
  const codes = (r: Array<{ ok: true } | { ok: false; lost: LeaseLost }>) => r.map((x) => (x.ok ? 1 : x.lost));
  const entryIds = async () => ((await send('XRANGE', k.stream, '-', '+')) as Array<[string]>).map(([id]) => id);
  const pending = async () =>
    ((await send('XPENDING', k.stream, GROUP, '-', '+', '100000')) as Array<[string, string, number, number]>).map(
      ([id, owner, , n]) => `${id} ${owner} ${n}`,
    );

  /** Run `fn` and return the XPENDING calls the scripts made on this test's stream meanwhile (seen by MONITOR). */
  async function scriptXpendings<T>(fn: () => Promise<T>): Promise<{ result: T; calls: string[][] }> {
    const mon = await rawClient();
    const lines: string[] = [];
    await mon.monitor((line) => lines.push(String(line)));
    const result = await fn();
    const mark = `fence-mark-${uniquePrefix()}`;
    await send('ECHO', mark);
    await waitFor(() => lines.some((l) => l.includes(mark)), 'MONITOR to show the mark');
    mon.destroy();
    const calls = lines
      .filter((l) => / lua\] "XPENDING" /i.test(l) && l.includes(`"${k.stream}"`))
      .map((l) => [...l.slice(l.indexOf(' lua] ') + 6).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] as string));
    return { result, calls };
  }

  /**
   * Eight entries with explicit ids whose string order is not their numeric order (1-9 < 1-10 < 2-1 < ... < 100-1),
   * all read by c1, then: 1-10 claimed by c2, 2-1 acked and deleted, 9-1 and 10-2 delivered to c1 again (count 2),
   * 99-1 acked but left in the stream.
   */
  const MIXED = ['1-9', '1-10', '2-1', '9-1', '10-1', '10-2', '99-1', '100-1'];
  async function mixedBatch() {
    for (const id of MIXED) await send('XADD', k.stream, id, ...envelopeFields(env()));
    expect((await read('c1', 100)).map(([id]) => id)).toEqual(MIXED);
    await steal('c2', '1-10');
    await ackDeliveries(conn, k, 'c1', [{ entryId: '2-1', deliveries: 1 }]);
    await steal('c1', '9-1');
    await steal('c1', '10-2');
    await send('XACK', k.stream, GROUP, '99-1');
    // out of order on purpose
    return [
      { entryId: '100-1', deliveries: 1 }, // owned: 1 (the largest id)
      { entryId: '1-10', deliveries: 1 }, // claimed by c2: -2
      { entryId: '1-9', deliveries: 1 }, // owned: 1 (the smallest id)
      { entryId: '99-1', deliveries: 1 }, // acked, still in the stream: -1
      { entryId: '9-1', deliveries: 1 }, // delivered again (count 2): -3
      { entryId: '2-1', deliveries: 1 }, // acked and deleted: -1
      { entryId: '10-2', deliveries: 2 }, // delivered again, caller holds the new count: 1
      { entryId: '10-1', deliveries: 1 }, // owned: 1
    ];
  }
  const MIXED_CODES = [1, -2, 1, -1, -3, -1, 1, 1];

  it('acks a mixed, unordered batch with exactly the per-id fence codes, and XACK+XDELs only the owned entries', async () => {
    const ds = await mixedBatch();
    const reference = await Promise.all(ds.map((d) => singleFence('c1', d)));
    expect(reference).toEqual(MIXED_CODES);
    const { result, calls } = await scriptXpendings(() => ackDeliveries(conn, k, 'c1', ds));
    expect(codes(result)).toEqual(reference);
    expect(await entryIds()).toEqual(['1-10', '9-1', '99-1']);
    expect(await pending()).toEqual(['1-10 c2 2', '9-1 c1 2']);
    // one XPENDING over [1-9, 100-1] (numeric min and max) for c1, then the single-id fence for the three ids
    // it cannot list (-1, -2); the -3 entry is c1's, so the batched reply settles it
    expect(calls[0]).toEqual(['XPENDING', k.stream, GROUP, '1-9', '100-1', calls[0]?.[5], 'c1']);
    expect(Number(calls[0]?.[5])).toBeGreaterThanOrEqual(ds.length);
    expect(calls.slice(1).map((c) => c.slice(3))).toEqual([
      ['1-10', '1-10', '1'],
      ['99-1', '99-1', '1'],
      ['2-1', '2-1', '1'],
    ]);
  });

  it('renews a mixed, unordered batch with exactly the per-id fence codes, claiming only the owned entries', async () => {
    const ds = await mixedBatch();
    const reference = await Promise.all(ds.map((d) => singleFence('c1', d)));
    expect(reference).toEqual(MIXED_CODES);
    const before = await pending();
    expect(codes(await renewLeases(conn, k, 'c1', ds))).toEqual(reference);
    expect(await pending()).toEqual(before); // owners and delivery counts unchanged
    expect(await entryIds()).toEqual(['1-9', '1-10', '9-1', '10-1', '10-2', '99-1', '100-1']);
  });

  it('falls back to the single-id fence for entries past the XPENDING count (many more held in the range)', async () => {
    const n = 300;
    await Promise.all(
      Array.from({ length: n }, (_, i) => send('XADD', k.stream, '*', ...envelopeFields(env({ id: `m${i}` })))),
    );
    const all = (await read('c1', n)).map(([id]) => id);
    expect(all).toHaveLength(n);
    const at = (i: number) => all[i] as string;
    await ackDeliveries(conn, k, 'c1', [{ entryId: at(260), deliveries: 1 }]); // -1
    await steal('c1', at(270)); // count 2, passed as 2: 1
    await steal('c2', at(280)); // -2
    await steal('c1', at(290)); // count 2, passed as 1: -3
    await steal('c1', at(20)); // count 2, passed as 1: -3 (inside the batched reply)
    const batch = Array.from({ length: n / 10 }, (_, j) => j * 10).reverse(); // every 10th entry, largest first
    const ds = batch.map((i) => ({ entryId: at(i), deliveries: i === 270 ? 2 : 1 }));
    const reference = await Promise.all(ds.map((d) => singleFence('c1', d)));
    const want = batch.map((i) => ({ 260: -1, 280: -2, 290: -3, 20: -3 })[i] ?? 1);
    expect(reference).toEqual(want);

    const { result, calls } = await scriptXpendings(() => ackDeliveries(conn, k, 'c1', ds));
    expect(codes(result)).toEqual(reference);

    // the fallback path ran for owned entries the batched reply cut off
    const [batched, ...single] = calls;
    expect(batched?.slice(3, 5)).toEqual([at(0), at(290)]);
    expect(batched?.[6]).toBe('c1');
    const fellBack = new Set(single.map((c) => c[3]));
    expect(
      batch.some((i, j) => want[j] === 1 && fellBack.has(at(i))),
      'an owned entry got the single-id fence',
    ).toBe(true);
    expect(single.length).toBeLessThan(batch.length);

    // only the owned ones are gone from the stream and the pending list
    const done = new Set(batch.filter((_, j) => want[j] === 1).map(at));
    const left = all.filter((id) => !done.has(id) && id !== at(260));
    expect(await entryIds()).toEqual(left);
    expect((await pending()).map((p) => p.split(' ')[0])).toEqual(left);
    expect(await pendingCount()).toBe(n - done.size - 1);
  });

  it('a batch of one id runs only the single-id fence (a consumer with a stolen mark: no fast path)', async () => {
    const id = await delivered('c1');
    await send('HSET', k.stolen, 'c1', '1');
    const { result, calls } = await scriptXpendings(() =>
      ackDeliveries(conn, k, 'c1', [{ entryId: id, deliveries: 1 }]),
    );
    expect(result).toEqual([{ ok: true }]);
    expect(calls).toEqual([['XPENDING', k.stream, GROUP, id, id, '1']]);
  });
});
