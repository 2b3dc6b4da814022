/**
 * The same reads through a RESP2 client and a RESP3 client give the same domain values (the transforms accept
 * both reply shapes); and the commands work through Sluice's own Connection as executor.
 */
import { createClient } from '@redis/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStreams, type Streams, streamsFor } from '../../packages/core/src/commands/index.js';
import { Connection } from '../../packages/core/src/connection.js';
import { rawClient, redisAtLeast, redisUrl, track, uniquePrefix } from '../helpers.js';

async function resp2Client() {
  const client = createClient({ url: redisUrl(), RESP: 2, socket: { reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  track({ label: 'RESP2 client', isOpen: () => client.isOpen, forceClose: () => client.destroy() });
  return client;
}

type Closer = () => Promise<unknown>;
let closers: Closer[] = [];
let s3: Streams;
let s2: Streams;
let key: string;

beforeEach(async () => {
  const [c3, c2] = await Promise.all([rawClient(), resp2Client()]);
  closers = [() => c3.close(), () => c2.close()];
  s3 = streamsFor(c3);
  s2 = streamsFor(c2);
  key = `${uniquePrefix()}:s`;
});
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
});

describe('RESP2 and RESP3 give the same results', () => {
  it('for every read command', async () => {
    for (let i = 1; i <= 6; i++) await s3.xadd(key, { n: String(i), even: String(i % 2 === 0) }, { id: `${i}-0` });
    const other = `${key}:b`;
    await s3.xadd(other, { o: 'x' }, { id: '1-1' });
    await s3.xgroupCreate(key, 'g', '0', { entriesRead: 0 });
    await s3.xreadgroup('g', 'c1', { key, id: '>' }, { count: 4 });
    await s3.xdel(key, '2-0');

    const both = async <T>(f: (s: Streams) => Promise<T>): Promise<T> => {
      const [a, b] = [await f(s3), await f(s2)];
      expect(b).toEqual(a);
      return a;
    };
    expect(await both((s) => s.xlen(key))).toBe(5);
    await both((s) => s.xrange(key, { start: '(1-0', count: 3 }));
    await both((s) => s.xrevrange(key));
    const read = await both((s) =>
      s.xread([
        { key, id: '4-0' },
        { key: other, id: '0' },
      ]),
    );
    expect(read.map((r) => [r.stream, r.entries.length])).toEqual([
      [key, 2],
      [other, 1],
    ]);
    expect(await both((s) => s.xread({ key, id: '$' }, { block: 50 }))).toEqual([]);
    expect(await both((s) => s.xpending(key, 'g'))).toEqual({
      count: 4,
      firstId: '1-0',
      lastId: '4-0',
      consumers: [{ name: 'c1', pending: 4 }],
    });
    const info = await both((s) => s.xinfoStream(key));
    expect(info).toMatchObject({ length: 5, entriesAdded: 6, maxDeletedEntryId: '2-0', groups: 1 });
    await both((s) => s.xinfoGroups(key));
    const consumers = await s2.xinfoConsumers(key, 'g');
    expect(consumers.map((c) => [c.name, c.pending])).toEqual([['c1', 4]]);
    // XINFO CONSUMERS reports `inactive` from Redis 7.2 (and Valkey) on; before, there is no such field.
    if (await redisAtLeast(7, 2)) expect(consumers[0]?.inactiveMs).toEqual(expect.any(Number));
    else expect(consumers[0]?.inactiveMs).toBeNull();
    const p2 = await s2.xpendingRange(key, 'g', { count: 10 });
    expect(p2.map((p) => [p.id, p.deliveries])).toEqual([
      ['1-0', 1],
      ['2-0', 1],
      ['3-0', 1],
      ['4-0', 1],
    ]);

    // Mutating reads: run each once, on RESP2.
    const [hist] = await s2.xreadgroup('g', 'c1', { key, id: '0' });
    expect(hist?.entries.map((e) => [e.id, e.fields === null])).toEqual([
      ['1-0', false],
      ['2-0', true],
      ['3-0', false],
      ['4-0', false],
    ]);
    expect(await s2.xclaim(key, 'g', 'c2', 0, ['1-0'])).toEqual([{ id: '1-0', fields: { n: '1', even: 'false' } }]);
    expect(await s2.xautoclaim(key, 'g', 'c3', 0, '0-0')).toEqual({
      nextId: '0-0',
      entries: [
        { id: '1-0', fields: { n: '1', even: 'false' } },
        { id: '3-0', fields: { n: '3', even: 'false' } },
        { id: '4-0', fields: { n: '4', even: 'true' } },
      ],
      deletedIds: ['2-0'],
    });
    expect(await s2.xautoclaimJustId(key, 'g', 'c4', 0, '0-0', { count: 1 })).toEqual({
      nextId: '3-0',
      ids: ['1-0'],
      deletedIds: [],
    });
    expect(await s2.xadd(`${key}:none`, { a: '1' }, { noMkStream: true })).toBeNull();
    expect(await s2.xgroupEnsure(key, 'g', '0')).toBe(false);
  });
});

describe('through Sluice Connection', () => {
  it('createStreams(connection) works like streamsFor(client)', async () => {
    const conn = await Connection.open({ url: redisUrl() });
    try {
      const s = createStreams(conn);
      const id = await s.xadd(key, { via: 'connection' });
      expect(await s.xrange(key)).toEqual([{ id, fields: { via: 'connection' } }]);
      expect(await s.xgroupEnsure(key, 'g', '$')).toBe(true);
      expect(await s.xreadgroup('g', 'c', { key, id: '>' }, { block: 10 })).toEqual([]);
    } finally {
      await conn.close();
    }
  });
});
