import { describe, expect, it } from 'vitest';
import type { RedisExecutor } from '../connection.js';
import { SluiceArgumentError } from '../errors.js';
import { xrange, xrangeArgs, xrangeReply, xrevrange, xrevrangeArgs } from './xrange.js';

describe('xrangeArgs / xrevrangeArgs', () => {
  it('defaults to the whole stream', () => {
    expect(xrangeArgs('s')).toEqual(['XRANGE', 's', '-', '+']);
    expect(xrevrangeArgs('s')).toEqual(['XREVRANGE', 's', '+', '-']);
  });

  it('XREVRANGE sends end (the high bound) first', () => {
    expect(xrevrangeArgs('s', { start: '1-0', end: '10-0', count: 3 })).toEqual([
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
  });

  it('exclusive bounds via flags or (id', () => {
    expect(xrangeArgs('s', { start: '5-0', end: '9', exclusiveStart: true, exclusiveEnd: true })).toEqual([
      'XRANGE',
      's',
      '(5-0',
      '(9',
    ]);
    expect(xrangeArgs('s', { start: '(5-0', exclusiveStart: true })).toEqual(['XRANGE', 's', '(5-0', '+']);
    expect(xrevrangeArgs('s', { end: '(9-0' })).toEqual(['XREVRANGE', 's', '(9-0', '-']);
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
