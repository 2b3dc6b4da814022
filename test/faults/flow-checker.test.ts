/** Unit tests of the priority and fairness checkers (pure, small tables). */
import { describe, expect, it } from 'vitest';
import { appended, deliveryInversions, fairness, firstDeliveries, firstStarts, type Start } from './flow-checker.js';

const s = (n: number, at: number, more: Partial<Start> = {}): Start => ({ n, at, ...more });

describe('flow checkers', () => {
  it('keeps the first start of a job started twice', () => {
    expect(firstStarts([s(1, 50), s(2, 10), s(1, 20)]).map((x) => [x.n, x.at])).toEqual([
      [2, 10],
      [1, 20],
    ]);
  });

  it('reads first deliveries from logged XCLAIMs (reads, reclaims; a renewal is not a delivery)', () => {
    const claim = (k: string, id: string) => [
      'XCLAIM',
      k,
      'g',
      'c',
      '0',
      id,
      'TIME',
      '1',
      'RETRYCOUNT',
      '1',
      'FORCE',
      'JUSTID',
      'LASTID',
      id,
    ];
    const aof = [
      claim('hi', '1-0'),
      ['XADD', 'lo', '5-0', 'name', 'x', 'data', '{"n":1}'],
      claim('lo', '1-0'),
      ['XCLAIM', 'hi', 'g', 'c', '0', '1-0', '2-0', 'JUSTID'],
      claim('hi', '3-0'),
    ];
    expect(firstDeliveries(aof)).toEqual([
      { stream: 'hi', id: '1-0' },
      { stream: 'lo', id: '1-0' },
      { stream: 'hi', id: '2-0' },
      { stream: 'hi', id: '3-0' },
    ]);
    const lane = (x: string) => (x === 'hi' ? 'high' : x === 'lo' ? 'low' : undefined);
    expect(deliveryInversions(firstDeliveries(aof), lane)).toEqual({ highs: 3, lows: 1, lowsBeforeLastHigh: 1 });
    expect(deliveryInversions(firstDeliveries(aof.slice(0, 2)), lane).lowsBeforeLastHigh).toBe(0);
    expect(appended(aof, 'lo')).toEqual([{ name: 'x', data: '{"n":1}' }]);
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
