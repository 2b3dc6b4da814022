import { describe, expect, it } from 'vitest';
import type { RedisExecutor } from '../connection.js';
import { SluiceArgumentError } from '../errors.js';
import { xadd, xaddArgs, xaddReply } from './xadd.js';

describe('xaddArgs', () => {
  it('defaults to id * and no trimming', () => {
    expect(xaddArgs('s', { a: '1', b: '2' })).toEqual(['XADD', 's', '*', 'a', '1', 'b', '2']);
    expect(xaddArgs('s', ['a', '1', 'b', '2'])).toEqual(['XADD', 's', '*', 'a', '1', 'b', '2']);
  });

  it('takes explicit ids, ms-* and integer-like ids', () => {
    expect(xaddArgs('s', { a: '1' }, { id: '5-1' })).toContain('5-1');
    expect(xaddArgs('s', { a: '1' }, { id: '5' })).toContain('5');
    expect(xaddArgs('s', { a: '1' }, { id: '5-*' })).toContain('5-*');
  });

  it('maxLen trims approximately by default, exactly with approximate: false', () => {
    expect(xaddArgs('s', { a: '1' }, { maxLen: 10 })).toEqual(['XADD', 's', 'MAXLEN', '~', '10', '*', 'a', '1']);
    expect(xaddArgs('s', { a: '1' }, { maxLen: 10, approximate: false })).toEqual([
      'XADD',
      's',
      'MAXLEN',
      '=',
      '10',
      '*',
      'a',
      '1',
    ]);
  });

  it('maxLen 0, negative or missing means unlimited (seed rule)', () => {
    for (const maxLen of [0, -1, -100, Number.NEGATIVE_INFINITY, undefined]) {
      expect(xaddArgs('s', { a: '1' }, { maxLen })).toEqual(['XADD', 's', '*', 'a', '1']);
    }
  });

  it('MINID, LIMIT and NOMKSTREAM', () => {
    expect(xaddArgs('s', { a: '1' }, { minId: '100-0', limit: 50, noMkStream: true, id: '200-0' })).toEqual([
      'XADD',
      's',
      'NOMKSTREAM',
      'MINID',
      '~',
      '100-0',
      'LIMIT',
      '50',
      '200-0',
      'a',
      '1',
    ]);
    expect(xaddArgs('s', { a: '1' }, { maxLen: 5, limit: 0 })).toEqual([
      'XADD',
      's',
      'MAXLEN',
      '~',
      '5',
      'LIMIT',
      '0',
      '*',
      'a',
      '1',
    ]);
  });

  it('stringifies finite numbers as field values (the seed passes { k2: 1 })', () => {
    expect(xaddArgs('s', { k1: 'v1', k2: 1 })).toEqual(['XADD', 's', '*', 'k1', 'v1', 'k2', '1']);
    expect(xaddArgs('s', ['a', 1.5, 'b', -0, 'c', 1e21])).toEqual([
      'XADD',
      's',
      '*',
      'a',
      '1.5',
      'b',
      '0',
      'c',
      '1e+21',
    ]);
  });

  it('rejects bad field values naming the field', () => {
    const bad = (fields: unknown) => () => xaddArgs('s', fields as Record<string, string>);
    expect(bad({ a: '1', n: Number.NaN })).toThrow(SluiceArgumentError);
    expect(bad({ a: '1', n: Number.NaN })).toThrow('XADD field "n" must be a string or a finite number; got NaN');
    expect(bad({ i: Number.POSITIVE_INFINITY })).toThrow(
      'XADD field "i" must be a string or a finite number; got Infinity',
    );
    expect(bad(['a', -Infinity])).toThrow('XADD field "a" must be a string or a finite number; got -Infinity');
    expect(bad({ u: undefined })).toThrow('XADD field "u" must be a string or a finite number; got undefined');
    expect(bad({ o: { x: 1 } })).toThrow('XADD field "o" must be a string or a finite number; got an object');
    expect(bad({ b: 1n })).toThrow('XADD field "b" must be a string or a finite number; got 1');
    expect(bad(['a', true])).toThrow('XADD field "a" must be a string or a finite number; got true');
    expect(bad(['a'])).toThrow('XADD fields must be an even-length [field, value, ...] list');
    expect(bad([1, 'x'])).toThrow('XADD field name at index 0 must be a string; got 1');
    expect(bad(['a', '1', 'a', '2'])).toThrow('XADD field "a" must be given once');
    expect(bad({})).toThrow('XADD fields must be at least one field');
    expect(bad([])).toThrow('XADD fields must be at least one field');
    expect(bad(null)).toThrow('XADD fields must be an object or a [field, value, ...] list; got null');
  });

  it('rejects bad ids and options', () => {
    const f = { a: '1' };
    expect(() => xaddArgs('', f)).toThrow('XADD key must be a non-empty string; got ""');
    expect(() => xaddArgs('s', f, { id: 'abc' })).toThrow(
      'XADD id must be a stream id (ms or ms-seq) or one of *, ms-*',
    );
    expect(() => xaddArgs('s', f, { id: '0-0' })).toThrow('XADD id must be greater than 0-0');
    expect(() => xaddArgs('s', f, { id: '0' })).toThrow('XADD id must be greater than 0-0');
    expect(() => xaddArgs('s', f, { id: '$' })).toThrow(SluiceArgumentError);
    expect(() => xaddArgs('s', f, { maxLen: 10.5 })).toThrow('XADD maxLen must be a non-negative integer; got 10.5');
    expect(() => xaddArgs('s', f, { maxLen: Number.NaN })).toThrow('XADD maxLen must be a number; got NaN');
    expect(() => xaddArgs('s', f, { maxLen: '10' as unknown as number })).toThrow('XADD maxLen must be a number');
    expect(() => xaddArgs('s', f, { maxLen: 10, minId: '1-0' })).toThrow('XADD minId must be absent when maxLen');
    expect(() => xaddArgs('s', f, { minId: 'x' })).toThrow('XADD minId must be a stream id');
    expect(() => xaddArgs('s', f, { limit: 5 })).toThrow('XADD limit must be given only with maxLen or minId');
    expect(() => xaddArgs('s', f, { maxLen: 5, approximate: false, limit: 5 })).toThrow(
      'XADD limit must be given only with approximate: true',
    );
    expect(() => xaddArgs('s', f, { maxLen: 5, limit: -1 })).toThrow('XADD limit must be a non-negative integer');
    expect(() => xaddArgs('s', f, { noMkStream: 1 as unknown as boolean })).toThrow(
      'XADD noMkStream must be a boolean',
    );
  });
});

describe('xaddReply / xadd', () => {
  it('returns the id or null', () => {
    expect(xaddReply('1-0')).toBe('1-0');
    expect(xaddReply(null)).toBeNull();
    expect(() => xaddReply(5)).toThrow('unexpected XADD reply');
  });

  it('sends the built args with the key for routing, and validates before sending', async () => {
    const sent: [readonly string[], string | undefined][] = [];
    const exec: RedisExecutor = {
      send: async (args, key) => {
        sent.push([args, key]);
        return '7-0';
      },
    };
    await expect(xadd(exec, 'k', { a: '1' })).resolves.toBe('7-0');
    expect(sent).toEqual([[['XADD', 'k', '*', 'a', '1'], 'k']]);
    await expect(xadd(exec, 'k', { a: Number.NaN })).rejects.toThrow(SluiceArgumentError);
    expect(sent).toHaveLength(1);
  });
});
