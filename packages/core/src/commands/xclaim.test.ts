import { describe, expect, it } from 'vitest';
import { xautoclaimArgs, xautoclaimJustIdReply, xautoclaimReply } from './xautoclaim.js';
import { xclaimArgs, xclaimJustIdReply, xclaimReply } from './xclaim.js';

describe('XCLAIM', () => {
  it('args with every option', () => {
    expect(xclaimArgs('s', 'g', 'c2', 1000, ['1-0', '2-0'])).toEqual(['XCLAIM', 's', 'g', 'c2', '1000', '1-0', '2-0']);
    expect(xclaimArgs('s', 'g', 'c2', 0, '1-0', { idle: 5, retryCount: 3, force: true, lastId: '9-0' }, true)).toEqual([
      'XCLAIM',
      's',
      'g',
      'c2',
      '0',
      '1-0',
      'IDLE',
      '5',
      'RETRYCOUNT',
      '3',
      'FORCE',
      'JUSTID',
      'LASTID',
      '9-0',
    ]);
    expect(xclaimArgs('s', 'g', 'c', 0, '1-0', { time: 1700000000000 })).toEqual([
      'XCLAIM',
      's',
      'g',
      'c',
      '0',
      '1-0',
      'TIME',
      '1700000000000',
    ]);
  });

  it('rejects bad arguments', () => {
    expect(() => xclaimArgs('s', 'g', 'c', -1, '1-0')).toThrow(
      'XCLAIM minIdleMs must be a non-negative integer; got -1',
    );
    expect(() => xclaimArgs('s', 'g', 'c', 0, [])).toThrow('XCLAIM ids must be a non-empty list');
    expect(() => xclaimArgs('s', 'g', 'c', 0, ['>'])).toThrow('XCLAIM id must be a stream id');
    expect(() => xclaimArgs('s', 'g', 'c', 0, '1-0', { idle: 1, time: 2 })).toThrow(
      'XCLAIM time must be absent when idle',
    );
    expect(() => xclaimArgs('s', 'g', 'c', 0, '1-0', { retryCount: 1.5 })).toThrow('XCLAIM retryCount must be');
    expect(() => xclaimArgs('s', 'g', 'c', 0, '1-0', { lastId: '+' })).toThrow('XCLAIM lastId must be a stream id');
    expect(() => xclaimArgs('s', 'g', '', 0, '1-0')).toThrow('XCLAIM consumer must be a non-empty string');
  });

  it('replies; a Redis 6 nil for a deleted entry is skipped', () => {
    expect(xclaimReply([['2-0', ['a', '3']]])).toEqual([{ id: '2-0', fields: { a: '3' } }]);
    expect(xclaimReply([null, ['2-0', ['a', '3']]])).toEqual([{ id: '2-0', fields: { a: '3' } }]);
    expect(xclaimReply([])).toEqual([]);
    expect(xclaimJustIdReply(['2-0', '3-0'])).toEqual(['2-0', '3-0']);
  });
});

describe('XAUTOCLAIM', () => {
  it('args', () => {
    expect(xautoclaimArgs('s', 'g', 'c3', 500, '0-0')).toEqual(['XAUTOCLAIM', 's', 'g', 'c3', '500', '0-0']);
    expect(xautoclaimArgs('s', 'g', 'c3', 0, '0', { count: 10 }, true)).toEqual([
      'XAUTOCLAIM',
      's',
      'g',
      'c3',
      '0',
      '0',
      'COUNT',
      '10',
      'JUSTID',
    ]);
  });

  it('rejects bad arguments (COUNT 0 is a Redis error)', () => {
    expect(() => xautoclaimArgs('s', 'g', 'c', 0, '0', { count: 0 })).toThrow(
      'XAUTOCLAIM count must be an integer >= 1; got 0',
    );
    expect(() => xautoclaimArgs('s', 'g', 'c', 0, '>')).toThrow('XAUTOCLAIM start must be a stream id');
    expect(() => xautoclaimArgs('s', 'g', 'c', Number.NaN, '0')).toThrow(
      'XAUTOCLAIM minIdleMs must be a non-negative integer',
    );
  });

  it('Redis 7 reply with deleted ids', () => {
    expect(xautoclaimReply(['0-0', [['2-0', ['a', '3']]], ['1-0']])).toEqual({
      nextId: '0-0',
      entries: [{ id: '2-0', fields: { a: '3' } }],
      deletedIds: ['1-0'],
    });
    expect(xautoclaimJustIdReply(['5-0', ['2-0', '3-0'], []])).toEqual({
      nextId: '5-0',
      ids: ['2-0', '3-0'],
      deletedIds: [],
    });
  });

  it('Redis 6.2 reply has two elements (nil entries skipped, [id, null] counted as deleted)', () => {
    expect(xautoclaimReply(['0-0', [['2-0', ['a', '3']], null, ['4-0', null]]])).toEqual({
      nextId: '0-0',
      entries: [{ id: '2-0', fields: { a: '3' } }],
      deletedIds: ['4-0'],
    });
    expect(xautoclaimJustIdReply(['0-0', ['2-0']])).toEqual({ nextId: '0-0', ids: ['2-0'], deletedIds: [] });
    expect(() => xautoclaimReply(['0-0'])).toThrow('unexpected XAUTOCLAIM reply');
  });
});
