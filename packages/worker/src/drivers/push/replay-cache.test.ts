import { describe, expect, it } from 'vitest';
import { MemoryReplayCache } from './replay-cache.js';

describe('MemoryReplayCache', () => {
  it('reports an id seen within its ttl, forgets it after', async () => {
    let t = 0;
    const c = new MemoryReplayCache({ now: () => t });
    expect(await c.seen('a', 1000)).toBe(false);
    expect(await c.seen('a', 1000)).toBe(true);
    t = 999;
    expect(await c.seen('a', 1000)).toBe(true);
    t = 1000;
    expect(await c.seen('a', 1000)).toBe(false);
  });

  it('is bounded: the oldest ids are evicted first', async () => {
    const c = new MemoryReplayCache({ maxEntries: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd']) await c.seen(id, 60_000);
    expect(c.size).toBe(3);
    expect(await c.seen('d', 60_000)).toBe(true);
    expect(await c.seen('a', 60_000)).toBe(false);
  });

  it('drops expired ids from the front as it goes', async () => {
    let t = 0;
    const c = new MemoryReplayCache({ now: () => t });
    await c.seen('a', 10);
    await c.seen('b', 10);
    t = 20;
    await c.seen('c', 10);
    expect(c.size).toBe(1);
  });

  it('checks maxEntries', () => {
    expect(() => new MemoryReplayCache({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
