/**
 * Every script writes the new place before it removes the old one (Redis keeps the writes a script made before
 * it failed): make the new place fail (a key of the wrong type) and the job must still be where it was. And no
 * script unpacks an unbounded list: an entry with 5,000 fields is dead-lettered, bounded, not lost.
 */
import type { QueueKeys } from '@sluice/core';
import {
  Connection,
  deadLetter,
  enqueueCronTick,
  envelopeFields,
  GROUP,
  type JobEnvelope,
  queueKeys,
  retryLater,
  runEnqueue,
} from '@sluice/core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisUrl, track, uniquePrefix } from '../helpers.js';

let conn: Connection;
let k: QueueKeys;

const env: JobEnvelope = { id: 'job-1', name: 'email', data: '{}', attempt: 1, enqueuedAt: 1700000000000 };
const send = (...args: string[]) => conn.send(args);
/** Entry ids in the stream, and the pending entries as "id consumer deliveries". */
async function where(): Promise<{ stream: string[]; pending: string[] }> {
  const stream = ((await send('XRANGE', k.stream, '-', '+')) as [string, string[]][]).map((e) => e[0]);
  const p = (await send('XPENDING', k.stream, GROUP, '-', '+', '10')) as [string, string, number, number][];
  return { stream, pending: p.map((e) => `${e[0]} ${e[1]} ${e[3]}`) };
}
/** Add an entry with `fields` and deliver it to consumer c1; returns its id. */
async function delivered(fields: string[]): Promise<string> {
  const id = String(await send('XADD', k.stream, '*', ...fields));
  await send('XREADGROUP', 'GROUP', GROUP, 'c1', 'COUNT', '1', 'STREAMS', k.stream, '>');
  return id;
}
const failure = { reason: 'failed', error: 'no', attempts: 1, failedAt: 1 } as const;

beforeEach(async () => {
  conn = await Connection.open({ url: redisUrl() });
  track({ label: 'core connection', isOpen: () => conn.client.isOpen, forceClose: () => conn.destroy() });
  k = queueKeys(uniquePrefix(), 'emails');
  await send('XGROUP', 'CREATE', k.stream, GROUP, '0', 'MKSTREAM');
});
afterEach(async () => {
  await conn.close();
});

describe('scripts write the new place first', () => {
  it('dead-letter: when the dead stream cannot be written, the job stays in the stream and pending', async () => {
    const id = await delivered(envelopeFields(env));
    await send('SET', k.dead, 'not a stream');
    const fields = Object.fromEntries([['id', 'job-1']]);
    await expect(deadLetter(conn, k, 'c1', { entryId: id, deliveries: 1 }, { fields, ...failure })).rejects.toThrow(
      /WRONGTYPE/,
    );
    expect(await where()).toEqual({ stream: [id], pending: [`${id} c1 1`] });
    await send('DEL', k.dead);
    expect((await deadLetter(conn, k, 'c1', { entryId: id, deliveries: 1 }, { fields, ...failure })).ok).toBe(true);
    expect(await where()).toEqual({ stream: [], pending: [] });
  });

  it('retry-later: when the delayed set cannot be written, the job stays in the stream and pending', async () => {
    const id = await delivered(envelopeFields(env));
    await send('SET', k.delayed, 'not a zset');
    await expect(
      retryLater(conn, k, 'c1', { entryId: id, deliveries: 1 }, 1000, { ...env, attempt: 2 }),
    ).rejects.toThrow(/WRONGTYPE/);
    expect(await where()).toEqual({ stream: [id], pending: [`${id} c1 1`] });
  });

  it('enqueue: when the job cannot be written, its idempotency key is not taken', async () => {
    await send('SET', k.delayed, 'not a zset');
    const run = () => runEnqueue(conn, k, env, { mode: 'delay', ms: 1000 }, { key: 'once', ttlMs: 60_000 });
    await expect(run()).rejects.toThrow(/WRONGTYPE/);
    expect(await send('GET', k.dedup('once'))).toBeNull();
    await send('DEL', k.delayed);
    expect(await run()).toEqual({ id: 'job-1', deduplicated: false });
  });

  it('cron-tick: when the tick cannot be written, it is not recorded as enqueued', async () => {
    const q = queueKeys(uniquePrefix(), 'ticks');
    await send('SET', q.stream, 'not a stream');
    await expect(enqueueCronTick(conn, q, 1000, 60_000, env)).rejects.toThrow(/WRONGTYPE/);
    expect(await send('GET', q.cron(env.name))).toBeNull();
  });
});

describe('scripts never unpack an unbounded list', () => {
  it('dead-letters an entry written raw with 5,000 fields: bounded, with a note, and gone from the stream only then', async () => {
    const raw: string[] = [];
    for (let i = 0; i < 5000; i++) raw.push(`f${i}`, `v${i}`);
    const id = await delivered(raw);
    const fields: Record<string, string> = {};
    for (let i = 0; i < raw.length; i += 2) fields[raw[i] as string] = raw[i + 1] as string;
    const r = await deadLetter(
      conn,
      k,
      'c1',
      { entryId: id, deliveries: 1 },
      { fields, ...failure, reason: 'invalid' },
    );
    expect(r.ok).toBe(true);
    expect(await where()).toEqual({ stream: [], pending: [] });
    const [dead] = (await send('XRANGE', k.dead, '-', '+')) as [string, string[]][];
    const f = dead?.[1] ?? [];
    expect(f.length).toBeLessThan(100);
    expect(f).toEqual(
      expect.arrayContaining(['reason', 'invalid', 'entryId', id, 'truncated', 'kept 32 of 5000 other fields']),
    );
  });
});
