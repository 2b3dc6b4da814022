/** The flow checkers catch what they must: an overlap past the limit, per key, a killed run, a burst. */
import { describe, expect, it } from 'vitest';
import { maxInSlidingWindow, maxOverlap } from './checker.js';
import { parseAof, zaddsTo } from './grants.js';

describe('flow checkers', () => {
  it('maxOverlap counts runs open at once; an end and a start at the same ms do not overlap', () => {
    const spans = [
      { key: 'a', start: 0, end: 10 },
      { key: 'b', start: 5, end: 15 },
      { key: 'a', start: 10, end: 20 },
      { key: 'a', start: 12, end: 13 },
    ];
    expect(maxOverlap(spans).max).toBe(3);
    expect(maxOverlap(spans, { byKey: true })).toEqual({ max: 2, key: 'a', at: 12 });
    expect(maxOverlap(spans.slice(0, 3), { byKey: true }).max).toBe(1);
  });

  it('a killed run is open until the kill; without a kill time it is an error', () => {
    const spans = [
      { key: 'a', start: 0, end: undefined },
      { key: 'a', start: 50, end: 60 },
    ];
    expect(maxOverlap(spans, { killedAt: 100 }).max).toBe(2);
    expect(maxOverlap(spans, { killedAt: 40 }).max).toBe(1);
    expect(() => maxOverlap(spans)).toThrow(/no end/);
  });

  it('the sliding maximum (windows (t - period, t])', () => {
    const starts = [0, 100, 999, 1000, 1500, 2999, 3000];
    expect(maxInSlidingWindow(starts, 1000)).toBe(3);
    expect(maxInSlidingWindow([0, 1000, 2000], 1000)).toBe(1);
    expect(maxInSlidingWindow([0, 999, 1000], 1000)).toBe(2);
  });

  it('reads ZADDs of one key from an append-only file, options skipped, a cut-short tail left out', () => {
    const cmd = (...a: string[]) => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`;
    const aof = Buffer.from(
      cmd('MULTI') +
        cmd('ZADD', 'log', '1700000000123', 'a#1') +
        cmd('ZADD', 'other', '5', 'x') +
        cmd('ZADD', 'log', 'NX', '7', 'b#1', '8', 'c#2') +
        cmd('EXEC') +
        cmd('ZADD', 'log', '9', 'd#1').slice(0, -4),
    );
    expect(parseAof(aof).map((c) => c[0])).toEqual(['MULTI', 'ZADD', 'ZADD', 'ZADD', 'EXEC']);
    expect(zaddsTo(parseAof(aof), 'log')).toEqual([
      { at: 1700000000123, member: 'a#1' },
      { at: 7, member: 'b#1' },
      { at: 8, member: 'c#2' },
    ]);
  });
});
