/** The housekeeping scripts on a real Redis: finish-marker, redrive, cron tick, reap consumer. */
import {
  ackDeliveries,
  enqueueCronTick,
  finishMarker,
  GROUP,
  isWakeMarker,
  reapConsumer,
  redriveDead,
  runEnqueue,
} from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { conn, delivered, env, k, pendingCount, read, send, useScriptQueue, xlen } from './script-harness.js';

useScriptQueue();

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
