/**
 * The consumer-group commands against a real Redis (RESP3 client): XGROUP, XREADGROUP, XPENDING, XACK, XCLAIM,
 * XAUTOCLAIM (deleted ids after XDEL/XTRIM), XINFO GROUPS/CONSUMERS; the seed flow (group from `0`, COUNT 5).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBusyGroupError, isNoGroupError, type Streams, streamsFor } from '../../packages/core/src/commands/index.js';
import { rawClient, redisAtLeast, uniquePrefix, waitFor } from '../helpers.js';

type Client = Awaited<ReturnType<typeof rawClient>>;
let client: Client;
let s: Streams;
let key: string;
const G = 'test_group';

beforeEach(async () => {
  client = await rawClient();
  s = streamsFor(client);
  key = `${uniquePrefix()}:s`;
});
afterEach(async () => {
  if (client.isOpen) await client.close();
});

async function seed(n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await s.xadd(key, { k1: 'v1', k2: String(i) }, { id: `${i}-0` });
}
const ids = (es: { id: string }[]) => es.map((e) => e.id);

describe('seed flow: group from 0, XREADGROUP COUNT 5, XPENDING until XACK', () => {
  it('reads the first five, shows them pending, acks them', async () => {
    await seed(20);
    await s.xgroupCreate(key, G, '0');
    const [read, ...rest] = await s.xreadgroup(G, 'consumer1', { key, id: '>' }, { count: 5 });
    expect(rest).toEqual([]);
    expect(read?.stream).toBe(key);
    expect(ids(read?.entries ?? [])).toEqual(['1-0', '2-0', '3-0', '4-0', '5-0']);
    expect(read?.entries[0]).toEqual({ id: '1-0', fields: { k1: 'v1', k2: '1' } });

    expect(await s.xpending(key, G)).toEqual({
      count: 5,
      firstId: '1-0',
      lastId: '5-0',
      consumers: [{ name: 'consumer1', pending: 5 }],
    });
    const range = await s.xpendingRange(key, G, { count: 10 });
    expect(range.map((p) => [p.id, p.consumer, p.deliveries])).toEqual(
      ['1-0', '2-0', '3-0', '4-0', '5-0'].map((id) => [id, 'consumer1', 1]),
    );
    expect(range.every((p) => p.idleMs >= 0)).toBe(true);
    expect(await s.xpendingRange(key, G, { start: '(2-0', end: '4-0', count: 10, consumer: 'consumer1' })).toHaveLength(
      2,
    );
    expect(await s.xpendingRange(key, G, { count: 10, consumer: 'nobody' })).toEqual([]);
    expect(await s.xpendingRange(key, G, { count: 10, idle: 60_000 })).toEqual([]);

    expect(await s.xack(key, G, ['1-0', '2-0', '99-0'])).toBe(2);
    expect(await s.xack(key, G, '1-0')).toBe(0);
    expect((await s.xpending(key, G)).count).toBe(3);
    expect(await s.xack(key, G, ['3-0', '4-0', '5-0'])).toBe(3);
    expect(await s.xpending(key, G)).toEqual({ count: 0, firstId: null, lastId: null, consumers: [] });

    const [next] = await s.xreadgroup(G, 'consumer1', { key, id: '>' }, { count: 5 });
    expect(ids(next?.entries ?? [])).toEqual(['6-0', '7-0', '8-0', '9-0', '10-0']);
  });

  it('a group created at $ sees only entries added afterwards', async () => {
    await seed(5);
    await s.xgroupCreate(key, G, '$');
    expect(await s.xreadgroup(G, 'c', { key, id: '>' })).toEqual([]);
    const id = await s.xadd(key, { fresh: 'yes' });
    expect(await s.xreadgroup(G, 'c', { key, id: '>' })).toEqual([
      { stream: key, entries: [{ id, fields: { fresh: 'yes' } }] },
    ]);
  });

  it('BLOCK that times out resolves to []', async () => {
    await s.xgroupCreate(key, G, '$', { mkStream: true });
    const t0 = Date.now();
    expect(await s.xreadgroup(G, 'c', { key, id: '>' }, { block: 100 })).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it('a history read re-delivers own pending entries; deleted ones come back with fields: null', async () => {
    await seed(3);
    await s.xgroupCreate(key, G, '0');
    await s.xreadgroup(G, 'c', { key, id: '>' });
    await s.xdel(key, '2-0');
    const [hist] = await s.xreadgroup(G, 'c', { key, id: '0' });
    expect(hist?.entries).toEqual([
      { id: '1-0', fields: { k1: 'v1', k2: '1' } },
      { id: '2-0', fields: null },
      { id: '3-0', fields: { k1: 'v1', k2: '3' } },
    ]);
    const [p1] = await s.xpendingRange(key, G, { count: 1 });
    expect(p1?.deliveries).toBe(2); // a history read counts as a delivery
    expect(await s.xreadgroup(G, 'other', { key, id: '0' })).toEqual([{ stream: key, entries: [] }]);
  });

  it('NOACK reads do not enter the pending list', async () => {
    await seed(2);
    await s.xgroupCreate(key, G, '0');
    await s.xreadgroup(G, 'c', { key, id: '>' }, { noAck: true });
    expect((await s.xpending(key, G)).count).toBe(0);
  });

  it('a missing group is NOGROUP', async () => {
    await seed(1);
    const err = await s.xreadgroup('nope', 'c', { key, id: '>' }).catch((e: unknown) => e);
    expect(isNoGroupError(err)).toBe(true);
  });
});

describe('XCLAIM / XAUTOCLAIM', () => {
  beforeEach(async () => {
    await seed(6);
    await s.xgroupCreate(key, G, '0');
    await s.xreadgroup(G, 'c1', { key, id: '>' });
  });

  it('XCLAIM moves entries and counts a delivery; JUSTID does not; minIdle filters', async () => {
    expect(await s.xclaim(key, G, 'c2', 60_000, ['1-0'])).toEqual([]);
    const claimed = await s.xclaim(key, G, 'c2', 0, ['1-0', '2-0']);
    expect(claimed).toEqual([
      { id: '1-0', fields: { k1: 'v1', k2: '1' } },
      { id: '2-0', fields: { k1: 'v1', k2: '2' } },
    ]);
    expect(await s.xclaimJustId(key, G, 'c3', 0, ['2-0', '3-0'])).toEqual(['2-0', '3-0']);
    const p = await s.xpendingRange(key, G, { count: 3 });
    expect(p.map((e) => [e.id, e.consumer, e.deliveries])).toEqual([
      ['1-0', 'c2', 2],
      ['2-0', 'c3', 2],
      ['3-0', 'c3', 1],
    ]);
    await s.xclaim(key, G, 'c2', 0, '4-0', { idle: 5000, retryCount: 7 });
    const [e4] = await s.xpendingRange(key, G, { start: '4-0', end: '4-0', count: 1 });
    expect(e4).toMatchObject({ consumer: 'c2', deliveries: 7 });
    expect(e4?.idleMs).toBeGreaterThanOrEqual(5000);
  });

  it('XCLAIM FORCE creates a pending entry; LASTID moves the group forward; deleted entries are dropped', async () => {
    await s.xadd(key, { late: '1' }, { id: '7-0' });
    expect(ids(await s.xclaim(key, G, 'c9', 0, '7-0', { force: true, lastId: '7-0' }))).toEqual(['7-0']);
    expect((await s.xinfoGroups(key))[0]?.lastDeliveredId).toBe('7-0');
    await s.xdel(key, '5-0');
    expect(await s.xclaim(key, G, 'c2', 0, ['5-0', '6-0'])).toEqual([{ id: '6-0', fields: { k1: 'v1', k2: '6' } }]);
    expect((await s.xpendingRange(key, G, { count: 10 })).map((e) => e.id)).not.toContain('5-0');
  });

  it('XAUTOCLAIM claims idle entries page by page and reports entries deleted by XDEL and XTRIM', async () => {
    await waitFor(
      async () => (await s.xpendingRange(key, G, { count: 100 })).every((e) => e.idleMs >= 20),
      'every pending entry idle 20 ms',
    );
    const first = await s.xautoclaim(key, G, 'c2', 20, '0-0', { count: 2 });
    expect(ids(first.entries)).toEqual(['1-0', '2-0']);
    expect(first.nextId).toBe('3-0');
    expect(first.deletedIds).toEqual([]);

    await s.xdel(key, '3-0');
    await s.xtrim(key, { minId: '5-0' }); // removes 1-0, 2-0 (claimed above) and 4-0; 3-0 is already gone
    const rest = await s.xautoclaim(key, G, 'c2', 20, first.nextId);
    expect(rest.nextId).toBe('0-0');
    expect(ids(rest.entries)).toEqual(['5-0', '6-0']);
    expect(rest.deletedIds).toEqual(['3-0', '4-0']);
    const pending = await s.xpending(key, G);
    expect(pending).toMatchObject({ count: 4, consumers: [{ name: 'c2', pending: 4 }] });

    const p = await s.xpendingRange(key, G, { count: 10 });
    expect(p.map((e) => e.deliveries)).toEqual([2, 2, 2, 2]);
    // A new scan from the start finds the trimmed 1-0 and 2-0 and drops them; JUSTID leaves the counters alone.
    const justIds = await s.xautoclaimJustId(key, G, 'c3', 0, '0');
    expect(justIds).toEqual({ nextId: '0-0', ids: ['5-0', '6-0'], deletedIds: ['1-0', '2-0'] });
    const after = await s.xpendingRange(key, G, { count: 10 });
    expect(after.map((e) => [e.id, e.consumer, e.deliveries])).toEqual([
      ['5-0', 'c3', 2],
      ['6-0', 'c3', 2],
    ]);
  });
});

describe('XGROUP / XINFO GROUPS / XINFO CONSUMERS', () => {
  it('xgroupEnsure tolerates BUSYGROUP; xgroupCreate rejects it; a missing stream needs mkStream', async () => {
    await expect(s.xgroupCreate(key, G, '0')).rejects.toThrow('requires the key to exist');
    expect(await s.xgroupEnsure(key, G, '0', { mkStream: true })).toBe(true);
    expect(await s.xgroupEnsure(key, G, '0', { mkStream: true })).toBe(false);
    const err = await s.xgroupCreate(key, G, '0').catch((e: unknown) => e);
    expect(isBusyGroupError(err)).toBe(true);
    await expect(s.xgroupEnsure(`${key}:missing`, G, '0')).rejects.toThrow('requires the key to exist');
  });

  it('consumers: create, info, delete (returns the pending count it orphans), destroy', async () => {
    await seed(4);
    await s.xgroupCreate(key, G, '0', { entriesRead: 0 });
    expect(await s.xgroupCreateConsumer(key, G, 'idle-one')).toBe(true);
    expect(await s.xgroupCreateConsumer(key, G, 'idle-one')).toBe(false);
    await s.xreadgroup(G, 'c1', { key, id: '>' }, { count: 3 });

    expect(await s.xinfoGroups(key)).toEqual([
      { name: G, consumers: 2, pending: 3, lastDeliveredId: '3-0', entriesRead: 3, lag: 1 },
    ]);
    const consumers = await s.xinfoConsumers(key, G);
    expect(consumers.map((c) => [c.name, c.pending])).toEqual([
      ['c1', 3],
      ['idle-one', 0],
    ]);
    const hasInactive = await redisAtLeast(7, 2); // XINFO CONSUMERS `inactive` exists from Redis 7.2 on
    for (const c of consumers) {
      expect(c.idleMs).toBeGreaterThanOrEqual(0);
      if (hasInactive)
        expect(c.inactiveMs).toBeGreaterThanOrEqual(-1); // -1: never read
      else expect(c.inactiveMs).toBeNull();
    }

    expect(await s.xgroupDelConsumer(key, G, 'c1')).toBe(3);
    expect((await s.xpending(key, G)).count).toBe(0); // orphaned: nothing can claim them any more
    expect(await s.xlen(key)).toBe(4);
    expect(await s.xgroupDelConsumer(key, G, 'ghost')).toBe(0);

    await s.xgroupSetId(key, G, '0', { entriesRead: 0 });
    const [again] = await s.xreadgroup(G, 'c2', { key, id: '>' });
    expect(ids(again?.entries ?? [])).toEqual(['1-0', '2-0', '3-0', '4-0']);
    await s.xgroupSetId(key, G, '$');
    expect((await s.xinfoGroups(key))[0]).toMatchObject({ lastDeliveredId: '4-0', lag: 0 });

    expect(await s.xgroupDestroy(key, G)).toBe(true);
    expect(await s.xgroupDestroy(key, G)).toBe(false);
    expect(await s.xinfoGroups(key)).toEqual([]);
    expect((await s.xinfoStream(key)).groups).toBe(0);
  });

  it('lag is null after an XDEL in the unread part; XINFO GROUPS on a missing key errors', async () => {
    await seed(4);
    await s.xgroupCreate(key, G, '0');
    await s.xreadgroup(G, 'c1', { key, id: '>' }, { count: 1 });
    await s.xdel(key, '3-0');
    expect((await s.xinfoGroups(key))[0]).toMatchObject({ entriesRead: 1, lag: null });
    await expect(s.xinfoGroups(`${key}:missing`)).rejects.toThrow('no such key');
    const err = await s.xinfoConsumers(key, 'nope').catch((e: unknown) => e);
    expect(isNoGroupError(err)).toBe(true);
  });
});
