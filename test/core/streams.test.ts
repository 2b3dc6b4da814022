/**
 * The typed stream commands against a real Redis (RESP3 client): XADD/XRANGE/XREVRANGE/XLEN/XREAD/XTRIM/XDEL/
 * XINFO STREAM, following the seed flows (progressive ids, maxLen, windows with count and exclusive bounds).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStreamId, SluiceArgumentError, type Streams, streamsFor } from '../../packages/core/src/commands/index.js';
import { rawClient, uniquePrefix } from '../helpers.js';
import { blockedOnServer } from '../queue-fixtures.js';

type Client = Awaited<ReturnType<typeof rawClient>>;
let client: Client;
let s: Streams;
let key: string;

beforeEach(async () => {
  client = await rawClient();
  s = streamsFor(client);
  key = `${uniquePrefix()}:s`;
});
afterEach(async () => {
  if (client.isOpen) await client.close();
});

/** XADD 20 entries with explicit progressive ids `1-0`..`20-0` and a number value (the seed: `{ k1: "v1", k2: 1 }`). */
async function seed20(): Promise<void> {
  for (let i = 1; i <= 20; i++) {
    expect(await s.xadd(key, { k1: 'v1', k2: i }, { id: `${i}-0` })).toBe(`${i}-0`);
  }
}

describe('XADD', () => {
  it('appends with explicit progressive ids, then generated ones', async () => {
    await seed20();
    expect(await s.xlen(key)).toBe(20);
    const id = await s.xadd(key, ['a', '1', 'b', '2']);
    expect(isStreamId(id)).toBe(true);
    expect(await s.xadd(key, { c: '3' }, { id: '99999999999999-*' })).toBe('99999999999999-0');
    expect(await s.xlen(key)).toBe(22);
  });

  it('maxLen 10 exact keeps exactly 10; approximate keeps at least 10 and far fewer than added', async () => {
    for (let i = 0; i < 30; i++) await s.xadd(key, { n: String(i) }, { maxLen: 10, approximate: false });
    expect(await s.xlen(key)).toBe(10);
    const kept = await s.xrange(key);
    expect(kept.map((e) => e.fields.n)).toEqual(Array.from({ length: 10 }, (_, i) => String(20 + i)));

    const approx = `${key}:approx`;
    for (let i = 0; i < 1000; i++) await s.xadd(approx, { n: String(i) }, { maxLen: 10 });
    const len = await s.xlen(approx);
    // `~` removes only whole radix nodes (stream-node-max-entries, 100 by default), so it may keep more.
    expect(len).toBeGreaterThanOrEqual(10);
    expect(len).toBeLessThanOrEqual(10 + 100);
    const [last] = await s.xrevrange<{ n: string }>(approx, { count: 1 });
    expect(last?.fields.n).toBe('999');
  });

  it('maxLen 0 or negative is unlimited (seed rule)', async () => {
    for (let i = 0; i < 15; i++) await s.xadd(key, { n: String(i) }, { maxLen: i % 2 ? 0 : -5, approximate: false });
    expect(await s.xlen(key)).toBe(15);
  });

  it('MINID trims older entries; LIMIT is accepted with ~', async () => {
    await seed20();
    await s.xadd(key, { x: '1' }, { id: '21-0', minId: '15-0', approximate: false });
    expect((await s.xrange(key)).map((e) => e.id)[0]).toBe('15-0');
    await s.xadd(key, { x: '1' }, { id: '22-0', minId: '18-0', limit: 10 });
    expect(await s.xlen(key)).toBeGreaterThanOrEqual(5);
  });

  it('NOMKSTREAM gives null for a missing stream and an id for an existing one', async () => {
    expect(await s.xadd(key, { a: '1' }, { noMkStream: true })).toBeNull();
    expect(await client.exists(key)).toBe(0);
    await s.xadd(key, { a: '1' });
    expect(await s.xadd(key, { a: '2' }, { noMkStream: true })).toMatch(/^\d+-\d+$/);
  });

  it('validation happens before anything is sent; server errors still surface', async () => {
    await s.xadd(key, { a: '1' }, { id: '5-0' });
    await expect(s.xadd(key, { a: Number.NaN })).rejects.toThrow(SluiceArgumentError);
    await expect(s.xadd(key, { a: '1' }, { maxLen: 2.5 })).rejects.toThrow(
      'XADD maxLen must be a non-negative integer',
    );
    await expect(s.xadd(key, { a: '1' }, { id: '4-0' })).rejects.toThrow(
      'equal or smaller than the target stream top item',
    );
    expect(await s.xlen(key)).toBe(1);
  });

  it('values round-trip exactly (unicode, empty, __proto__ field)', async () => {
    const fields = { empty: '', uni: 'ünï ✓ 🚀', json: '{"a":[1,2]}', __proto__x: 'p' };
    await s.xadd(key, fields);
    await s.xadd(key, ['__proto__', 'own']);
    const [a, b] = await s.xrange(key);
    expect(a?.fields).toEqual(fields);
    expect(Object.hasOwn(b?.fields ?? {}, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(b?.fields, '__proto__')?.value).toBe('own');
  });
});

describe('XRANGE / XREVRANGE', () => {
  beforeEach(seed20);

  it('windows with count, reversed order, exclusive bounds', async () => {
    const ids = (es: { id: string }[]) => es.map((e) => e.id);
    expect(ids(await s.xrange(key, { start: '1-0', end: '10-0', count: 3 }))).toEqual(['1-0', '2-0', '3-0']);
    expect(ids(await s.xrevrange(key, { start: '10-0', end: '1-0', count: 3 }))).toEqual(['10-0', '9-0', '8-0']);
    // The seed's call, Redis order (start = highest); the other order is an error, never a quiet [].
    expect(ids(await s.xrevrange(key, { start: '9-0', end: '1-0' }))).toHaveLength(9);
    await expect(s.xrevrange(key, { start: '1-0', end: '9-0' })).rejects.toThrow('got start "1-0", end "9-0"');
    expect(ids(await s.xrange(key, { start: '5-0', end: '8-0', exclusiveStart: true, exclusiveEnd: true }))).toEqual([
      '6-0',
      '7-0',
    ]);
    expect(ids(await s.xrevrange(key, { start: '(8-0', end: '(5-0' }))).toEqual(['7-0', '6-0']);
    expect(ids(await s.xrange(key, { start: '19' }))).toEqual(['19-0', '20-0']);
    expect(await s.xrange(key, { count: 0 })).toEqual([]);
    expect(await s.xrange(`${key}:missing`)).toEqual([]);
    const [first] = await s.xrange(key, { count: 1 });
    expect(first).toEqual({ id: '1-0', fields: { k1: 'v1', k2: '1' } });
  });

  it('pages through with an exclusive start', async () => {
    const seen: string[] = [];
    let start = '-';
    for (;;) {
      const page = await s.xrange(key, { start, exclusiveStart: start !== '-', count: 7 });
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.id));
      start = page[page.length - 1]?.id ?? '+';
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `${i + 1}-0`));
  });

  it('rejects a negative count before sending', async () => {
    await expect(s.xrange(key, { count: -1 })).rejects.toThrow('XRANGE count must be a non-negative integer; got -1');
  });
});

describe('XREAD', () => {
  it('reads several streams after ids, with count', async () => {
    await seed20();
    const other = `${key}:2`;
    await s.xadd(other, { o: '1' }, { id: '7-0' });
    const r = await s.xread(
      [
        { key, id: '18-0' },
        { key: other, id: '0' },
      ],
      { count: 5 },
    );
    expect(r).toEqual([
      {
        stream: key,
        entries: [
          { id: '19-0', fields: { k1: 'v1', k2: '19' } },
          { id: '20-0', fields: { k1: 'v1', k2: '20' } },
        ],
      },
      { stream: other, entries: [{ id: '7-0', fields: { o: '1' } }] },
    ]);
    expect(await s.xread({ key, id: '20-0' })).toEqual([]);
  });

  it('BLOCK that times out resolves to []', async () => {
    await s.xadd(key, { a: '1' });
    const t0 = Date.now();
    expect(await s.xread({ key, id: '$' }, { block: 100 })).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it('BLOCK wakes on a new entry (blocking read on its own connection)', async () => {
    const blocking = client.duplicate();
    blocking.on('error', () => {});
    await blocking.connect();
    try {
      const blockingId = Number(await blocking.sendCommand(['CLIENT', 'ID']));
      const read = streamsFor(blocking).xread({ key, id: '$' }, { block: 30_000 });
      await blockedOnServer({ send: (args) => client.sendCommand([...args]) }, blockingId);
      const id = await s.xadd(key, { hello: 'world' });
      expect(await read).toEqual([{ stream: key, entries: [{ id, fields: { hello: 'world' } }] }]);
    } finally {
      await blocking.close();
    }
  });

  it('stream names that RESP3 maps mangle: integer-like names keep request order, __proto__ survives', async () => {
    const p = uniquePrefix();
    const names = [`${p}b`, '__proto__', String(Date.now() % 100000)];
    try {
      for (const n of names) await s.xadd(n, { n });
      const r = await s.xread(names.map((k) => ({ key: k, id: '0' })));
      expect(r.map((x) => x.stream)).toEqual(names);
      expect(r.map((x) => x.entries[0]?.fields.n)).toEqual(names);
    } finally {
      await client.del(names);
    }
  });
});

describe('XDEL / XTRIM / XINFO STREAM', () => {
  beforeEach(seed20);

  it('XDEL deletes existing ids and counts them', async () => {
    expect(await s.xdel(key, ['3-0', '4-0', '99-0'])).toBe(2);
    expect(await s.xlen(key)).toBe(18);
  });

  it('XTRIM by maxLen (exact by default) and by minId', async () => {
    expect(await s.xtrim(key, { maxLen: 15 })).toBe(5);
    expect(await s.xtrim(key, { minId: '10-0' })).toBe(4);
    expect((await s.xrange(key, { count: 1 }))[0]?.id).toBe('10-0');
    expect(await s.xtrim(key, { minId: '12-0' }, { approximate: true, limit: 100 })).toBeGreaterThanOrEqual(0);
    expect(await s.xtrim(key, { maxLen: 0 })).toBeGreaterThan(0);
    expect(await s.xlen(key)).toBe(0);
  });

  it('XINFO STREAM', async () => {
    await s.xdel(key, '20-0');
    expect(await s.xinfoStream(key)).toEqual({
      length: 19,
      lastGeneratedId: '20-0',
      maxDeletedEntryId: '20-0',
      entriesAdded: 20,
      groups: 0,
      firstEntry: { id: '1-0', fields: { k1: 'v1', k2: '1' } },
      lastEntry: { id: '19-0', fields: { k1: 'v1', k2: '19' } },
    });
    await s.xtrim(key, { maxLen: 0 });
    const empty = await s.xinfoStream(key);
    expect(empty).toMatchObject({ length: 0, firstEntry: null, lastEntry: null, lastGeneratedId: '20-0' });
    await expect(s.xinfoStream(`${key}:missing`)).rejects.toThrow('no such key');
  });
});
