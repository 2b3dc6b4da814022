/** Unit tests of the priority and fairness checkers (pure, small tables). */
import { describe, expect, it } from 'vitest';
import { fairness, firstStarts, priorityInversions, type Start } from './flow-checker.js';

const s = (n: number, at: number, more: Partial<Start> = {}): Start => ({ n, at, ...more });

describe('flow checkers', () => {
  it('keeps the first start of a job started twice', () => {
    expect(firstStarts([s(1, 50), s(2, 10), s(1, 20)]).map((x) => [x.n, x.at])).toEqual([
      [2, 10],
      [1, 20],
    ]);
  });

  it('counts low jobs that started before the last high one', () => {
    const clean = [s(1, 1, { prio: 'high' }), s(2, 2, { prio: 'high' }), s(3, 3, { prio: 'low' })];
    expect(priorityInversions(clean)).toEqual({ highs: 2, lows: 1, lowsBeforeLastHigh: 0 });
    const bad = [
      s(1, 1, { prio: 'low' }),
      s(2, 2, { prio: 'high' }),
      s(3, 3, { prio: 'low' }),
      s(4, 4, { prio: 'high' }),
    ];
    expect(priorityInversions(bad).lowsBeforeLastHigh).toBe(2);
    // a retried high job's second start does not count: its first one does
    expect(priorityInversions([...clean, s(1, 9, { prio: 'high' })]).lowsBeforeLastHigh).toBe(0);
  });

  it('counts the big key jobs started by the time the small key finished', () => {
    const starts = [
      s(1, 1, { tenant: 'big' }),
      s(2, 2, { tenant: 'small' }),
      s(3, 3, { tenant: 'big' }),
      s(4, 4, { tenant: 'small' }),
      s(5, 5, { tenant: 'big' }),
    ];
    expect(fairness(starts, 'small', 'big')).toEqual({ smallJobs: 2, bigJobs: 3, bigStartedWhenSmallDone: 2 });
  });
});
