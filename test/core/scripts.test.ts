/**
 * State-table tests of every Lua script on a real Redis: seed keys, run the script, assert the keys; each fenced
 * script also gets its zombie case (a stale owner changes nothing). Batches: scripts-batch.test.ts; housekeeping: scripts-admin.test.ts.
 */
import {
  ackDeliveries,
  deadLetter,
  GROUP,
  LeaseLost,
  promoteDue,
  renewLeases,
  retryLater,
  runEnqueue,
} from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { pendingIdleAtLeast } from '../queue-fixtures.js';
import { conn, delivered, env, k, pendingCount, read, send, steal, useScriptQueue, xlen } from './script-harness.js';

useScriptQueue();
describe('enqueue script', () => {
  it('adds a job now, and only once per idempotency key', async () => {
    const a = await runEnqueue(conn, k, env({ id: 'A' }), { mode: 'now' }, { key: 'k1', ttlMs: 60_000 });
    const b = await runEnqueue(conn, k, env({ id: 'B' }), { mode: 'now' }, { key: 'k1', ttlMs: 60_000 });
    // an immediate job's id is its entry id, written without an `id` field; the key stores that id
    expect(a).toEqual({ id: expect.stringMatching(/^\d+-\d+$/), deduplicated: false });
    expect(b).toEqual({ id: a.id, deduplicated: true });
    expect(await xlen(k.stream)).toBe(1);
    const [e] = (await send('XRANGE', k.stream, '-', '+')) as [[string, string[]]];
    expect(e[0]).toBe(a.id);
    expect(e[1]).not.toContain('id');
    expect(await send('GET', k.dedup('k1'))).toBe(a.id);
    expect(await send('EXISTS', k.index)).toBe(0);
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
