/**
 * The queue history: the ack, retry-later and dead-letter scripts count completed jobs and failed attempts in the
 * queue's history hash (a hand-back or a deferral counts nothing, a zombie's refused ack counts nothing);
 * queueHistory reads them back per minute and per quarter hour; the hash stays bounded.
 */
import { ackDeliveries, deadLetter, queueHistory, retryLater } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { conn, delivered, env, k, send, steal, useScriptQueue } from './script-harness.js';

useScriptQueue();
const prefix = () => k.stream.slice(0, k.stream.indexOf(':{'));
const sum = (h: { points: { completed: number; failed: number }[] }) =>
  h.points.reduce((a, p) => ({ completed: a.completed + p.completed, failed: a.failed + p.failed }), {
    completed: 0,
    failed: 0,
  });

describe('queue history counters', () => {
  it('counts acked jobs (batched) and failed attempts, and nothing for a hand-back or a lost lease', async () => {
    const ids = [await delivered('c1'), await delivered('c1'), await delivered('c1')];
    await ackDeliveries(
      conn,
      k,
      'c1',
      ids.map((entryId) => ({ entryId, deliveries: 1 })),
    );
    const withId = await delivered('c1', env({ id: 'J1' }));
    await ackDeliveries(conn, k, 'c1', [{ entryId: withId, deliveries: 1, jobId: 'J1' }]);
    // a failed attempt retried later, and one dead-lettered
    const r1 = await delivered('c1');
    await retryLater(conn, k, 'c1', { entryId: r1, deliveries: 1 }, 60_000, env({ attempt: 2 }));
    const d1 = await delivered('c1');
    await deadLetter(
      conn,
      k,
      'c1',
      { entryId: d1, deliveries: 1 },
      { fields: {}, reason: 'failed', error: 'x', attempts: 3, failedAt: 1 },
    );
    // a hand-back (shutdown) is not a failure
    const h1 = await delivered('c1');
    await retryLater(conn, k, 'c1', { entryId: h1, deliveries: 1 }, 0, env(), false, false);
    // a zombie's ack is refused: nothing counted
    const z = await delivered('c1');
    await steal('c2', z);
    expect((await ackDeliveries(conn, k, 'c1', [{ entryId: z, deliveries: 1 }]))[0]?.ok).toBe(false);

    const hour = await queueHistory(conn, prefix(), 'emails', 'hour');
    expect(hour.stepMs).toBe(60_000);
    expect(hour.points).toHaveLength(60);
    expect(hour.from).toBe(hour.points[0]?.t);
    expect(sum(hour)).toEqual({ completed: 4, failed: 2 });
    // everything happened just now: in the last minute (or the one before, at a minute boundary)
    const recent = hour.points.slice(-2).reduce((a, p) => a + p.completed, 0);
    expect(recent).toBe(4);
    const day = await queueHistory(conn, prefix(), 'emails', 'day');
    expect(day.stepMs).toBe(900_000);
    expect(day.points).toHaveLength(96);
    expect(sum(day)).toEqual({ completed: 4, failed: 2 });
  });

  it('reads a stale slot (an older minute in the ring) as 0 and resets it before counting again', async () => {
    const t = Number(((await send('TIME')) as [string, string])[0]);
    const minute = Math.floor(t / 60);
    // slot of the minute 60 minutes ago is the current slot: fill it as an old minute would have
    const slot = String(minute % 60);
    await send('HSET', k.history, `mt${slot}`, String(minute - 60), `mc${slot}`, '99', `mf${slot}`, '7');
    let h = await queueHistory(conn, prefix(), 'emails', 'hour');
    expect(sum(h).completed).toBe(0);
    await ackDeliveries(conn, k, 'c1', [{ entryId: await delivered('c1'), deliveries: 1 }]);
    h = await queueHistory(conn, prefix(), 'emails', 'hour');
    expect(sum(h)).toEqual({ completed: 1, failed: 0 });
  });

  it('leaves a minute marker that expires within the minute, and counts by the marker alone while it exists', async () => {
    await ackDeliveries(conn, k, 'c1', [{ entryId: await delivered('c1'), deliveries: 1 }]);
    const ttl = Number(await send('PTTL', k.historyNow));
    // -2: the minute ended between the ack and this read
    expect(ttl === -2 || (ttl > 0 && ttl <= 60_000)).toBe(true);
    // a marker naming a minute half an hour from now makes the batched ack count in its slots, without TIME
    const minute = Math.floor(Number(((await send('TIME')) as [string, string])[0]) / 60) + 30;
    await send('SET', k.historyNow, String(minute), 'PX', '600000');
    const ds = [await delivered('c1'), await delivered('c1')].map((entryId) => ({ entryId, deliveries: 1 }));
    await ackDeliveries(conn, k, 'c1', ds);
    const slots = [`mc${minute % 60}`, `qc${Math.floor(minute / 15) % 96}`];
    expect(await send('HMGET', k.history, ...slots)).toEqual(['2', '2']);
  });

  it('keeps the hash bounded: at most 60 + 96 slots of 3 fields whatever the number of jobs', async () => {
    for (let i = 0; i < 50; i++) {
      await ackDeliveries(conn, k, 'c1', [{ entryId: await delivered('c1'), deliveries: 1 }]);
    }
    const len = Number(await send('HLEN', k.history));
    expect(len).toBeGreaterThanOrEqual(6);
    expect(len).toBeLessThanOrEqual(12); // two minute slots and two quarter slots at most (boundaries)
    expect(sum(await queueHistory(conn, prefix(), 'emails', 'hour')).completed).toBe(50);
  });

  it('refuses an unknown range with a clear error', async () => {
    await expect(queueHistory(conn, prefix(), 'emails', 'week' as 'hour')).rejects.toThrow(/range must be hour or day/);
  });
});
