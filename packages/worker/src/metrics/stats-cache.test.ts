import type { Clock, QueueStats } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { StatsCache } from './stats-cache.js';

const fakeClock = () => {
  let t = 0;
  const clock: Clock = { now: () => t, monotonic: () => t };
  return { clock, advance: (ms: number) => (t += ms) };
};

const row = (ready: number): QueueStats => ({
  queue: 'q',
  ready,
  running: 0,
  delayed: 0,
  flow: { queued: 0, delayed: 0, skipped: 0, debounced: 0, throttled: 0 },
  dead: 0,
  consumers: [],
  workers: 0,
  oldestReadyAgeMs: null,
  oldestRunningIdleMs: null,
  paused: false,
});

describe('StatsCache', () => {
  it('reads once per interval and again once it has passed', async () => {
    const { clock, advance } = fakeClock();
    let reads = 0;
    const cache = new StatsCache({ read: async () => [row(++reads)], cacheMs: 5000, timeoutMs: 1000, clock });
    expect((await cache.get())[0]?.ready).toBe(1);
    advance(4999);
    expect((await cache.get())[0]?.ready).toBe(1);
    advance(1);
    expect((await cache.get())[0]?.ready).toBe(2);
    expect(reads).toBe(2);
  });

  it('shares a read in flight between concurrent scrapes', async () => {
    const { clock } = fakeClock();
    let reads = 0;
    let release: (v: QueueStats[]) => void = () => {};
    const cache = new StatsCache({
      read: () => {
        reads++;
        return new Promise((r) => {
          release = r;
        });
      },
      cacheMs: 0,
      timeoutMs: 10_000,
      clock,
    });
    const a = cache.get();
    const b = cache.get();
    release([row(7)]);
    expect(await Promise.all([a, b])).toEqual([[row(7)], [row(7)]]);
    expect(reads).toBe(1);
  });

  it('does not cache a failure; a read that outlasts the timeout rejects without being sent again', async () => {
    const { clock } = fakeClock();
    let reads = 0;
    const cache = new StatsCache({
      read: () => {
        reads++;
        return reads === 1 ? Promise.reject(new Error('down')) : new Promise<QueueStats[]>(() => {});
      },
      cacheMs: 5000,
      timeoutMs: 10,
      clock,
    });
    await expect(cache.get()).rejects.toThrow('down');
    await expect(cache.get()).rejects.toThrow('no reply from Redis within 10 ms');
    await expect(cache.get()).rejects.toThrow('no reply from Redis within 10 ms');
    expect(reads).toBe(2);
  });
});
