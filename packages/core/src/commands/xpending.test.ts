import { describe, expect, it } from 'vitest';
import { xpendingArgs, xpendingRangeArgs, xpendingRangeReply, xpendingReply } from './xpending.js';

describe('XPENDING', () => {
  it('summary args and reply (consumer counts arrive as strings)', () => {
    expect(xpendingArgs('s', 'g')).toEqual(['XPENDING', 's', 'g']);
    expect(
      xpendingReply([
        3,
        '1-0',
        '3-0',
        [
          ['c1', '2'],
          ['c2', '1'],
        ],
      ]),
    ).toEqual({
      count: 3,
      firstId: '1-0',
      lastId: '3-0',
      consumers: [
        { name: 'c1', pending: 2 },
        { name: 'c2', pending: 1 },
      ],
    });
  });

  it('empty pending list: [0, null, null, null]', () => {
    expect(xpendingReply([0, null, null, null])).toEqual({ count: 0, firstId: null, lastId: null, consumers: [] });
  });

  it('extended args', () => {
    expect(xpendingRangeArgs('s', 'g', { count: 10 })).toEqual(['XPENDING', 's', 'g', '-', '+', '10']);
    expect(xpendingRangeArgs('s', 'g', { start: '(1-0', end: '9-0', count: 5, idle: 1000, consumer: 'c1' })).toEqual([
      'XPENDING',
      's',
      'g',
      'IDLE',
      '1000',
      '(1-0',
      '9-0',
      '5',
      'c1',
    ]);
  });

  it('extended reply', () => {
    expect(
      xpendingRangeReply([
        ['1-0', 'c1', 2, 1],
        ['2-0', 'c1', 7320, 2],
      ]),
    ).toEqual([
      { id: '1-0', consumer: 'c1', idleMs: 2, deliveries: 1 },
      { id: '2-0', consumer: 'c1', idleMs: 7320, deliveries: 2 },
    ]);
    expect(xpendingRangeReply([])).toEqual([]);
    expect(() => xpendingRangeReply([['1-0', 'c1', 2]])).toThrow('unexpected XPENDING entry reply');
  });

  it('rejects bad arguments', () => {
    expect(() => xpendingRangeArgs('s', 'g', { count: -1 })).toThrow(
      'XPENDING count must be a non-negative integer; got -1',
    );
    expect(() => xpendingRangeArgs('s', 'g', {} as { count: number })).toThrow(
      'XPENDING count must be a non-negative integer; got undefined',
    );
    expect(() => xpendingRangeArgs('s', 'g', { count: 1, idle: -5 })).toThrow(
      'XPENDING idle must be a non-negative integer',
    );
    expect(() => xpendingRangeArgs('s', 'g', { count: 1, start: '>' })).toThrow('XPENDING start must be a stream id');
    expect(() => xpendingRangeArgs('s', 'g', { count: 1, consumer: '' })).toThrow(
      'XPENDING consumer must be a non-empty',
    );
    expect(() => xpendingRangeArgs('s', 'g', undefined as unknown as { count: number })).toThrow(
      'XPENDING options must be an object with a count; got undefined',
    );
    expect(() => xpendingArgs('s', '')).toThrow('XPENDING group must be a non-empty string');
  });
});
