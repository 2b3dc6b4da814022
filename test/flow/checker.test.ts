/** The flow checkers catch what they must: an overlap past the limit, per key, a killed run, a burst. */
import { describe, expect, it } from 'vitest';
import { countsPerWindow, maxInSlidingWindow, maxOverlap } from './checker.js';

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

  it('counts per window and the sliding maximum', () => {
    const starts = [0, 100, 999, 1000, 1500, 2999, 3000];
    expect(countsPerWindow(starts, 0, 1000, 3)).toEqual([3, 2, 1]);
    expect(maxInSlidingWindow(starts, 1000)).toBe(3);
    expect(maxInSlidingWindow([0, 1000, 2000], 1000)).toBe(1);
    expect(maxInSlidingWindow([0, 999, 1000], 1000)).toBe(2);
  });
});
