/**
 * Slots on lanes at the script level (docs/flow-control.md, "Combining"): slot members name their lane (auto ids
 * of two streams can be equal), and a released slot goes to a waiter, which comes back onto its own lane. The
 * worker-level combinations are in lanes-limits.test.ts.
 */

import type { QueueKeys } from '@sluice/core';
import {
  ackRelease,
  deadLetter,
  envelopeFields,
  flowStart,
  GROUP,
  type JobEnvelope,
  retryLater,
} from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { conn, env, k as scriptKeys, send, useScriptQueue } from '../core/script-harness.js';

/** XADD `e` with the explicit id `id` to `stream` and deliver it to consumer `c`; the Delivery. */
async function deliverAt(keys: QueueKeys, id: string, e: JobEnvelope, c: string) {
  await send('XGROUP', 'CREATE', keys.stream, GROUP, '0', 'MKSTREAM').catch(() => undefined);
  await send('XADD', keys.stream, id, ...envelopeFields(e));
  await send('XREADGROUP', 'GROUP', GROUP, c, 'COUNT', '1', 'STREAMS', keys.stream, '>');
  return { entryId: id, deliveries: 1 };
}

describe('slots on lanes (scripts)', () => {
  useScriptQueue();

  it('equal entry ids on the default and the high stream hold two slots; releasing one keeps the other', async () => {
    const k = scriptKeys;
    const slots = k.flowOf('email').slots;
    const scope = { slots, waiting: k.flowOf('email').waiting, limit: 2 };
    const normal = await deliverAt(k, '5-0', env(), 'c');
    const high = await deliverAt(k.inLane('high'), '5-0', env({ lane: 'high' }), 'c');
    const r1 = await flowStart(conn, k, 'c', normal, env(), 30_000, [scope], undefined);
    const r2 = await flowStart(conn, k.inLane('high'), 'c', high, env({ lane: 'high' }), 30_000, [scope], undefined);
    expect([r1, r2].map((r) => r.ok && r.outcome)).toEqual(['started', 'started']);
    expect(((await send('ZRANGE', slots, '0', '-1')) as string[]).sort()).toEqual(['5-0', 'h:5-0']);
    // a third run (low) finds both slots busy and is parked as queued
    const low = await deliverAt(k.inLane('low'), '5-0', env({ lane: 'low' }), 'c');
    const r3 = await flowStart(
      conn,
      k.inLane('low'),
      'c',
      low,
      env({ id: 'low-job', lane: 'low' }),
      30_000,
      [scope],
      undefined,
    );
    expect(r3.ok && r3.outcome).toBe('queued');
    // the high run finishes: its slot (not the default stream's) is released and handed to the low waiter,
    // which goes back onto the low stream holding the slot as l:<its new id>
    const hold = r2.ok && r2.outcome === 'started' ? r2.hold : [];
    expect(await ackRelease(conn, k.inLane('high'), 'c', { ...high, hold })).toEqual({ ok: true });
    const members = (await send('ZRANGE', slots, '0', '-1')) as string[];
    expect(members).toContain('5-0');
    const lowEntries = (await send('XRANGE', k.inLane('low').stream, '-', '+')) as [string, string[]][];
    const moved = lowEntries.find(([, f]) => f.includes('low-job'));
    expect(moved).toBeDefined();
    expect(members).toContain(`l:${moved?.[0]}`);
    expect(await send('ZCARD', k.delayed)).toBe(0);
  });

  it('a retry of a high run releases its h: slot, not the default entry with the same id', async () => {
    const k = scriptKeys;
    const scope = { slots: k.flowOf('email').slots, waiting: k.flowOf('email').waiting, limit: 5 };
    const normal = await deliverAt(k, '7-0', env(), 'c');
    const e = env({ lane: 'high' });
    const high = await deliverAt(k.inLane('high'), '7-0', e, 'c');
    await flowStart(conn, k, 'c', normal, env(), 30_000, [scope], undefined);
    const r = await flowStart(conn, k.inLane('high'), 'c', high, e, 30_000, [scope], undefined);
    const hold = r.ok && r.outcome === 'started' ? r.hold : [];
    const next = { ...e, attempt: 2 };
    expect((await retryLater(conn, k.inLane('high'), 'c', { ...high, hold }, 0, next)).ok).toBe(true);
    expect(await send('ZRANGE', scope.slots, '0', '-1')).toEqual(['7-0']);
    // delay 0: straight back onto the high stream
    expect(Number(await send('XLEN', k.inLane('high').stream))).toBe(1);
  });

  it('a dead letter of a fair-lane run releases its f: slot and hands it to a waiter, which goes back onto its lane', async () => {
    const k = scriptKeys;
    const scope = { slots: k.flowOf('email').slots, waiting: k.flowOf('email').waiting, limit: 1 };
    const e = env({ lane: 'fair', group: 'g1' });
    const fair = await deliverAt(k.inLane('fair'), '9-0', e, 'c');
    const r = await flowStart(conn, k.inLane('fair'), 'c', fair, e, 30_000, [scope], undefined);
    const hold = r.ok && r.outcome === 'started' ? r.hold : [];
    expect(await send('ZRANGE', scope.slots, '0', '-1')).toEqual(['f:9-0']);
    const high = await deliverAt(k.inLane('high'), '9-0', env({ lane: 'high' }), 'c');
    const q = await flowStart(
      conn,
      k.inLane('high'),
      'c',
      high,
      env({ id: 'hi', lane: 'high' }),
      30_000,
      [scope],
      undefined,
    );
    expect(q.ok && q.outcome).toBe('queued');
    const dl = { fields: {}, reason: 'failed' as const, error: 'boom', attempts: 1, failedAt: 1 };
    expect((await deadLetter(conn, k.inLane('fair'), 'c', { ...fair, hold }, dl)).ok).toBe(true);
    const highEntries = (await send('XRANGE', k.inLane('high').stream, '-', '+')) as [string, string[]][];
    const moved = highEntries.find(([, f]) => f.includes('hi'));
    expect(await send('ZRANGE', scope.slots, '0', '-1')).toEqual([`h:${moved?.[0]}`]);
    expect(Number(await send('XLEN', k.stream))).toBe(0);
  });
});
