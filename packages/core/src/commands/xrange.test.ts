import { describe, expect, it } from 'vitest';
import type { RedisExecutor } from '../connection.js';
import { SluiceArgumentError } from '../errors.js';
import { xrange, xrangeArgs, xrangeReply, xrevrange, xrevrangeArgs } from './xrange.js';

describe('xrangeArgs / xrevrangeArgs', () => {
  it('defaults to the whole stream', () => {
    expect(xrangeArgs('s')).toEqual(['XRANGE', 's', '-', '+']);
    expect(xrevrangeArgs('s')).toEqual(['XREVRANGE', 's', '+', '-']);
  });

  it('XREVRANGE takes Redis order: start is the high bound (the seed calls it so)', () => {
    expect(xrevrangeArgs('s', { start: '10-0', end: '1-0', count: 3 })).toEqual([
      'XREVRANGE',
      's',
      '10-0',
      '1-0',
      'COUNT',
      '3',
    ]);
    expect(xrangeArgs('s', { start: '1-0', end: '10-0', count: 3 })).toEqual([
      'XRANGE',
      's',
      '1-0',
      '10-0',
      'COUNT',
      '3',
    ]);
    expect(xrevrangeArgs('s', { start: '9' })).toEqual(['XREVRANGE', 's', '9', '-']);
    expect(xrevrangeArgs('s', { end: '3-1' })).toEqual(['XREVRANGE', 's', '+', '3-1']);
  });

  it('rejects a range given the wrong way round, naming both bounds', () => {
    expect(() => xrevrangeArgs('s', { start: '1-0', end: '10-0' })).toThrow(
      'XREVRANGE start must be at or above end (XREVRANGE reads from start down to end); got start "1-0", end "10-0"',
    );
    expect(() => xrangeArgs('s', { start: '9-0', end: '1-0' })).toThrow(
      'XRANGE start must be at or below end; got start "9-0", end "1-0"',
    );
    expect(() => xrangeArgs('s', { start: '+', end: '-' })).toThrow(SluiceArgumentError);
    expect(() => xrevrangeArgs('s', { start: '-', end: '+' })).toThrow('got start "-", end "+"');
    expect(() => xrangeArgs('s', { start: '5-2', end: '5-1' })).toThrow('got start "5-2", end "5-1"');
    expect(() => xrevrangeArgs('s', { start: '(5-0', end: '(8-0' })).toThrow('got start "(5-0", end "(8-0"');
    // Equal bounds and bare ms ids (5 = 5-0 as a low bound, 5-<max> as a high one) are valid ranges.
    expect(xrangeArgs('s', { start: '5-3', end: '5' })).toEqual(['XRANGE', 's', '5-3', '5']);
    expect(xrevrangeArgs('s', { start: '5', end: '5-3' })).toEqual(['XREVRANGE', 's', '5', '5-3']);
    expect(xrangeArgs('s', { start: '7-0', end: '7-0' })).toEqual(['XRANGE', 's', '7-0', '7-0']);
    expect(xrangeArgs('s', { start: '18446744073709551615-18446744073709551615' })).toHaveLength(4);
  });

  it('exclusive bounds via flags or (id', () => {
    expect(xrangeArgs('s', { start: '5-0', end: '9', exclusiveStart: true, exclusiveEnd: true })).toEqual([
      'XRANGE',
      's',
      '(5-0',
      '(9',
    ]);
    expect(xrangeArgs('s', { start: '(5-0', exclusiveStart: true })).toEqual(['XRANGE', 's', '(5-0', '+']);
    expect(xrevrangeArgs('s', { start: '(9-0' })).toEqual(['XREVRANGE', 's', '(9-0', '-']);
  });

  it('count 0 is allowed (Redis gives [])', () => {
    expect(xrangeArgs('s', { count: 0 })).toEqual(['XRANGE', 's', '-', '+', 'COUNT', '0']);
  });

  it('rejects bad arguments', () => {
    expect(() => xrangeArgs('s', { count: -1 })).toThrow('XRANGE count must be a non-negative integer; got -1');
    expect(() => xrevrangeArgs('s', { count: 1.5 })).toThrow('XREVRANGE count must be a non-negative integer; got 1.5');
    expect(() => xrangeArgs('s', { start: 'abc' })).toThrow(SluiceArgumentError);
    expect(() => xrangeArgs('s', { start: 'abc' })).toThrow('XRANGE start must be a stream id');
    expect(() => xrangeArgs('s', { end: '$' })).toThrow('XRANGE end must be a stream id');
    expect(() => xrangeArgs('s', { exclusiveStart: true })).toThrow('XRANGE start must be a stream id when exclusive');
    expect(() => xrangeArgs('s', { exclusiveEnd: true })).toThrow('XRANGE end must be a stream id when exclusive');
    expect(() => xrangeArgs('s', { start: '(-' })).toThrow('XRANGE start must be');
    expect(() => xrangeArgs('s', { exclusiveEnd: 'yes' as unknown as boolean })).toThrow(
      'XRANGE exclusiveEnd must be a boolean',
    );
    expect(() => xrangeArgs(undefined as unknown as string)).toThrow('XRANGE key must be a non-empty string');
  });
});

describe('xrangeReply', () => {
  const raw = [
    ['1-0', ['a', '1', 'b', '2']],
    ['2-0', ['a', '3']],
  ];
  it('maps entries (same on RESP2 and RESP3)', () => {
    expect(xrangeReply(raw)).toEqual([
      { id: '1-0', fields: { a: '1', b: '2' } },
      { id: '2-0', fields: { a: '3' } },
    ]);
    expect(xrangeReply([])).toEqual([]);
    expect(xrangeReply(null)).toEqual([]); // XRANGE k - + COUNT 0 on an existing stream replies nil
    expect(() => xrangeReply('x')).toThrow('unexpected XRANGE reply');
  });

  it('xrange and xrevrange send and transform', async () => {
    const sent: (readonly string[])[] = [];
    const exec: RedisExecutor = {
      send: async (args) => {
        sent.push(args);
        return raw;
      },
    };
    const r = await xrange<{ a: string }>(exec, 's', { count: 2 });
    expect(r[1]?.fields.a).toBe('3');
    await xrevrange(exec, 's');
    expect(sent).toEqual([
      ['XRANGE', 's', '-', '+', 'COUNT', '2'],
      ['XREVRANGE', 's', '+', '-'],
    ]);
  });
});
