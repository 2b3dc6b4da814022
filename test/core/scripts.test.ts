/**
 * State-table tests of every Lua script on a real Redis: seed keys, run the script, assert the keys; each fenced
 * script also gets its zombie case (a stale owner changes nothing).
 */
import type { QueueKeys } from '@sluice/core';
import {
  ackDeliveries,
  Connection,
  deadLetter,
  enqueueCronTick,
  envelopeFields,
  finishMarker,
  GROUP,
  isWakeMarker,
  type JobEnvelope,
  LeaseLost,
  promoteDue,
  queueKeys,
  reapConsumer,
  redriveDead,
  renewLeases,
  retryLater,
  runEnqueue,
} from '@sluice/core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawClient, redisUrl, track, uniquePrefix, waitFor } from '../helpers.js';
import { claimedBy, deliveredTo, groupCreated, pendingIdleAtLeast } from '../queue-fixtures.js';

let conn: Connection;
let k: QueueKeys;

const env = (over: Partial<JobEnvelope> = {}): JobEnvelope => ({
  id: `job-${Math.random().toString(36).slice(2)}`,
  name: 'email',
  data: '{"to":"a@b"}',
  attempt: 1,
  enqueuedAt: 1700000000000,
  ...over,
});

const send = (...args: string[]) => conn.send(args);
const xlen = async (key: string) => Number(await send('XLEN', key));
const pendingCount = async () => ((await send('XPENDING', k.stream, GROUP)) as [number])[0];

/** XREADGROUP `>` as `consumer`; returns [entryId, fields][]. */
async function read(consumer: string, count = 10): Promise<Array<[string, Record<string, string>]>> {
  return (await deliveredTo(conn, k, consumer, count)).map((e) => [e.id, e.fields]);
}

/** Add one job to the stream and deliver it to `consumer`; returns its entry id. */
async function delivered(consumer: string, e = env()): Promise<string> {
  await send('XADD', k.stream, '*', ...envelopeFields(e));
  const got = await read(consumer, 1);
  return (got[0] as [string, unknown])[0];
}

/** Let `thief` claim `id` (as a reclaimer would after the lease): delivery count goes to 2. */
const steal = (thief: string, id: string) => claimedBy(conn, k, thief, id);

beforeEach(async () => {
  conn = await Connection.open({ url: redisUrl() });
  track({ label: 'core connection', isOpen: () => conn.client.isOpen, forceClose: () => conn.destroy() });
  k = queueKeys(uniquePrefix(), 'emails');
  await groupCreated(conn, k);
});
afterEach(async () => {
  await conn.close();
});

describe('enqueue script', () => {
  it('adds a job now, and only once per idempotency key', async () => {
    const a = await runEnqueue(conn, k, env({ id: 'A' }), { mode: 'now' }, { key: 'k1', ttlMs: 60_000 });
    const b = await runEnqueue(conn, k, env({ id: 'B' }), { mode: 'now' }, { key: 'k1', ttlMs: 60_000 });
    expect(a).toEqual({ id: 'A', deduplicated: false });
    expect(b).toEqual({ id: 'A', deduplicated: true });
    expect(await xlen(k.stream)).toBe(1);
    const ttl = Number(await send('PTTL', k.dedup('k1')));
    expect(ttl).toBeGreaterThan(50_000);
  });

  it('accepts the key again after its TTL', async () => {
    await runEnqueue(conn, k, env({ id: 'A' }), { mode: 'now' }, { key: 'k2', ttlMs: 30 });
    await waitFor(async () => Number(await send('PTTL', k.dedup('k2'))) === -2, 'the key to expire');
    const b = await runEnqueue(conn, k, env({ id: 'B' }), { mode: 'now' }, { key: 'k2', ttlMs: 30 });
    expect(b.deduplicated).toBe(false);
    expect(await xlen(k.stream)).toBe(2);
  });

  it('puts a delayed job in the delayed set at server time + delay, with a wake marker when it is the earliest', async () => {
    const t = (await send('TIME')) as [string, string];
    const now = Number(t[0]) * 1000;
    await runEnqueue(conn, k, env({ id: 'D1' }), { mode: 'delay', ms: 60_000 });
    const [[member, score]] = (await send('ZRANGE', k.delayed, '0', '-1', 'WITHSCORES')) as [[string, number]]; // RESP3 pairs
    expect(JSON.parse(member)).toMatchObject({ id: 'D1', name: 'email', data: '{"to":"a@b"}', attempt: '1' });
    expect(Number(score) - now).toBeGreaterThanOrEqual(59_000);
    expect(Number(score) - now).toBeLessThanOrEqual(62_000);
    const entries = await read('c1');
    expect(entries.map(([, f]) => Object.keys(f))).toEqual([['wake']]);
    expect(await send('GET', k.wakes)).toBe('1');
    // a later job is not the earliest: no second marker
    await runEnqueue(conn, k, env({ id: 'D2' }), { mode: 'delay', ms: 120_000 });
    expect(await read('c1')).toEqual([]);
  });
});

describe('promote-due', () => {
  it('moves due jobs onto the stream, keeps future ones, reports the next due and the pause flag', async () => {
    await runEnqueue(conn, k, env({ id: 'past' }), { mode: 'at', epochMs: 1000 });
    await runEnqueue(conn, k, env({ id: 'future' }), { mode: 'delay', ms: 60_000 });
    await send('XTRIM', k.stream, 'MAXLEN', '0'); // drop wake markers
    const r = await promoteDue(conn, k, 100);
    expect(r.moved).toBe(1);
    expect(r.nextDueInMs).toBeGreaterThan(55_000);
    expect(r.paused).toBe(false);
    const entries = await read('c1');
    expect(entries.map(([, f]) => f.id)).toEqual(['past']);
    expect(Number(await send('ZCARD', k.delayed))).toBe(1);
    await send('SET', k.paused, '1');
    expect((await promoteDue(conn, k, 100)).paused).toBe(true);
  });

  it('dead-letters a malformed member instead of losing it', async () => {
    await send('ZADD', k.delayed, '1', 'not json');
    await send('ZADD', k.delayed, '2', '{"id":5}');
    const r = await promoteDue(conn, k, 100);
    expect(r).toMatchObject({ moved: 2, nextDueInMs: null });
    expect(await xlen(k.dead)).toBe(2);
    expect(await xlen(k.stream)).toBe(0);
  });

  it('moves at most the batch size per call', async () => {
    for (let i = 0; i < 5; i++) await runEnqueue(conn, k, env({ id: `p${i}` }), { mode: 'at', epochMs: 1000 + i });
    await send('XTRIM', k.stream, 'MAXLEN', '0');
    expect((await promoteDue(conn, k, 2)).moved).toBe(2);
    expect((await promoteDue(conn, k, 2)).nextDueInMs).toBe(0);
  });
});

describe('fenced ack', () => {
  it('acks and deletes an entry its owner holds', async () => {
    const id = await delivered('c1');
    expect(await ackDeliveries(conn, k, 'c1', [{ entryId: id, deliveries: 1 }])).toEqual([{ ok: true }]);
    expect(await xlen(k.stream)).toBe(0);
    expect(await pendingCount()).toBe(0);
  });

  it('zombie: a stale owner cannot ack an entry another worker reclaimed', async () => {
    const id = await delivered('c1');
    await steal('c2', id);
    expect(await ackDeliveries(conn, k, 'c1', [{ entryId: id, deliveries: 1 }])).toEqual([
      { ok: false, lost: LeaseLost.WrongOwner },
    ]);
    expect(await xlen(k.stream)).toBe(1);
    expect(await pendingCount()).toBe(1);
  });

  it('zombie: the same consumer name with an older delivery count is rejected', async () => {
    const id = await delivered('c1');
    await steal('c1', id); // delivered again to the same name: count 2
    expect(await ackDeliveries(conn, k, 'c1', [{ entryId: id, deliveries: 1 }])).toEqual([
      { ok: false, lost: LeaseLost.WrongDelivery },
    ]);
    expect(await ackDeliveries(conn, k, 'c1', [{ entryId: id, deliveries: 2 }])).toEqual([{ ok: true }]);
  });

  it('reports an entry that is no longer pending and handles a batch independently', async () => {
    const a = await delivered('c1');
    const b = await delivered('c1');
    await ackDeliveries(conn, k, 'c1', [{ entryId: a, deliveries: 1 }]);
    const r = await ackDeliveries(conn, k, 'c1', [
      { entryId: a, deliveries: 1 },
      { entryId: b, deliveries: 1 },
    ]);
    expect(r).toEqual([{ ok: false, lost: LeaseLost.NotPending }, { ok: true }]);
  });
});

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

  it('a batch of one id runs only the single-id fence', async () => {
    const id = await delivered('c1');
    const { result, calls } = await scriptXpendings(() =>
      ackDeliveries(conn, k, 'c1', [{ entryId: id, deliveries: 1 }]),
    );
    expect(result).toEqual([{ ok: true }]);
    expect(calls).toEqual([['XPENDING', k.stream, GROUP, id, id, '1']]);
  });
});

describe('fenced renew', () => {
  it('resets the idle time without counting a delivery', async () => {
    const id = await delivered('c1');
    const other = await delivered('c1'); // delivered at the same time, never renewed: the yardstick
    await pendingIdleAtLeast(conn, k, 30);
    expect(await renewLeases(conn, k, 'c1', [{ entryId: id, deliveries: 1 }])).toEqual([{ ok: true }]);
    const rows = (await send('XPENDING', k.stream, GROUP, '-', '+', '10')) as [string, string, number, number][];
    const [, owner, idle, count] = rows.find(([e]) => e === id) as [string, string, number, number];
    const [, , otherIdle] = rows.find(([e]) => e === other) as [string, string, number, number];
    expect(owner).toBe('c1');
    // one XPENDING reads both idle times at the same instant: the renewed one restarted, the other kept counting
    expect(otherIdle).toBeGreaterThanOrEqual(30);
    expect(idle).toBeLessThan(otherIdle);
    expect(count).toBe(1);
  });

  it('zombie: a stale renew does not steal the entry back', async () => {
    const id = await delivered('c1');
    await steal('c2', id);
    expect(await renewLeases(conn, k, 'c1', [{ entryId: id, deliveries: 1 }])).toEqual([
      { ok: false, lost: LeaseLost.WrongOwner },
    ]);
    const [[, owner]] = (await send('XPENDING', k.stream, GROUP, '-', '+', '10')) as [[string, string]];
    expect(owner).toBe('c2');
  });
});

describe('fenced retry-later', () => {
  it('moves the job to the delayed set with the next attempt at server time + delay', async () => {
    const e = env({ id: 'R' });
    const id = await delivered('c1', e);
    const r = await retryLater(conn, k, 'c1', { entryId: id, deliveries: 1 }, 5000, {
      ...e,
      attempt: 2,
      firstFailedAt: 5,
    });
    expect(r.ok).toBe(true);
    expect(await xlen(k.stream)).toBe(1); // the wake marker only
    expect(await pendingCount()).toBe(0);
    const [[member, score]] = (await send('ZRANGE', k.delayed, '0', '-1', 'WITHSCORES')) as [[string, number]]; // RESP3 pairs
    expect(JSON.parse(member)).toMatchObject({ id: 'R', attempt: '2', firstFailedAt: '5' });
    expect(r.ok && Number(score)).toBe(r.ok && r.dueAt);
  });

  it('with delay 0 puts the job straight back on the stream', async () => {
    const e = env({ id: 'R0' });
    const id = await delivered('c1', e);
    await retryLater(conn, k, 'c1', { entryId: id, deliveries: 1 }, 0, e);
    const again = await read('c2');
    expect(again.map(([, f]) => f.id)).toEqual(['R0']);
  });

  it('zombie: a stale owner changes nothing', async () => {
    const id = await delivered('c1');
    await steal('c2', id);
    const r = await retryLater(conn, k, 'c1', { entryId: id, deliveries: 1 }, 10, env());
    expect(r).toEqual({ ok: false, lost: LeaseLost.WrongOwner });
    expect(await xlen(k.stream)).toBe(1);
    expect(Number(await send('ZCARD', k.delayed))).toBe(0);
  });
});

describe('fenced dead-letter', () => {
  it('moves the job to the dead stream with reason, error and server time', async () => {
    const e = env({ id: 'X' });
    const id = await delivered('c1', e);
    const r = await deadLetter(
      conn,
      k,
      'c1',
      { entryId: id, deliveries: 1 },
      {
        fields: Object.fromEntries(Object.entries(e).map(([a, b]) => [a, String(b)])),
        reason: 'failed',
        error: 'boom',
        stack: 'Error: boom\n  at x',
        attempts: 3,
        firstFailedAt: 10,
        failedAt: 20,
      },
    );
    expect(r.ok).toBe(true);
    expect(await xlen(k.stream)).toBe(0);
    expect(await pendingCount()).toBe(0);
    const [[, flat]] = (await send('XRANGE', k.dead, '-', '+')) as [[string, string[]]];
    const f: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) f[flat[i] as string] = flat[i + 1] as string;
    expect(f).toMatchObject({
      id: 'X',
      reason: 'failed',
      error: 'boom',
      attempts: '3',
      firstFailedAt: '10',
      failedAt: '20',
      entryId: id,
    });
    expect(Number(f.deadAt)).toBeGreaterThan(1_700_000_000_000);
  });

  it('zombie: a stale owner changes nothing', async () => {
    const id = await delivered('c1');
    await steal('c2', id);
    const r = await deadLetter(
      conn,
      k,
      'c1',
      { entryId: id, deliveries: 1 },
      {
        fields: {},
        reason: 'failed',
        error: 'x',
        attempts: 1,
        failedAt: 1,
      },
    );
    expect(r).toEqual({ ok: false, lost: LeaseLost.WrongOwner });
    expect(await xlen(k.dead)).toBe(0);
    expect(await xlen(k.stream)).toBe(1);
  });
});

describe('finish-marker', () => {
  it('removes a wake marker and counts it out, once', async () => {
    await runEnqueue(conn, k, env({ id: 'D' }), { mode: 'delay', ms: 60_000 });
    await runEnqueue(conn, k, env({ id: 'J' }), { mode: 'now' });
    const [[markerId, fields]] = (await read('c1', 1)) as [[string, Record<string, string>]];
    expect(isWakeMarker(fields)).toBe(true);
    expect(await finishMarker(conn, k, markerId)).toBe(true);
    expect(await finishMarker(conn, k, markerId)).toBe(false);
    expect(await send('GET', k.wakes)).toBe('0');
    expect(await pendingCount()).toBe(0);
    expect(await xlen(k.stream)).toBe(1);
  });
});

describe('redrive, cron tick, reap consumer', () => {
  it('redrives dead jobs with attempt 1 and without failure fields', async () => {
    await send(
      'XADD',
      k.dead,
      '*',
      'id',
      'J',
      'name',
      'email',
      'data',
      '{}',
      'attempt',
      '3',
      'enqueuedAt',
      '1',
      'reason',
      'failed',
      'error',
      'e',
    );
    const [[deadId]] = (await send('XRANGE', k.dead, '-', '+')) as [[string]];
    expect(await redriveDead(conn, k, [deadId, '1-1'])).toEqual(['moved', 'not-found']);
    expect(await xlen(k.dead)).toBe(0);
    const [first] = await read('c1');
    expect(first?.[1]).toEqual({ id: 'J', name: 'email', data: '{}', enqueuedAt: '1', attempt: '1' });
  });

  it('enqueues each cron tick once, and never an older tick', async () => {
    const e = env({ name: 'report' });
    const results = await Promise.all([1, 2, 3].map(() => enqueueCronTick(conn, k, 60_000, 120_000, e)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await enqueueCronTick(conn, k, 0, 120_000, e)).toBe(false);
    expect(await enqueueCronTick(conn, k, 120_000, 120_000, e)).toBe(true);
    expect(await xlen(k.stream)).toBe(2);
  });

  it('deletes a consumer only when its pending list is empty', async () => {
    const id = await delivered('c1');
    expect(await reapConsumer(conn, k, 'c1')).toBe(false);
    expect(await pendingCount()).toBe(1);
    await ackDeliveries(conn, k, 'c1', [{ entryId: id, deliveries: 1 }]);
    expect(await reapConsumer(conn, k, 'c1')).toBe(true);
    const consumers = (await send('XINFO', 'CONSUMERS', k.stream, GROUP)) as unknown[];
    expect(consumers).toHaveLength(0);
  });
});
