import { describe, expect, it } from 'vitest';
import { SluiceArgumentError } from '../errors.js';
import { assertStreamId, isAllowedId, isStreamId } from './ids.js';

describe('stream ids', () => {
  it('accepts ms and ms-seq, up to 2^64-1 per part', () => {
    for (const id of ['0', '1', '1-0', '1526919030474-55', '18446744073709551615-18446744073709551615']) {
      expect(isStreamId(id)).toBe(true);
    }
  });

  it('rejects malformed ids', () => {
    for (const id of [
      '',
      '-',
      '+',
      '*',
      'a',
      '1-',
      '-1',
      '1-2-3',
      ' 1',
      '1.5',
      '18446744073709551616',
      '1-x',
      1,
      null,
    ]) {
      expect(isStreamId(id)).toBe(false);
    }
  });

  it('allows special forms only when listed', () => {
    expect(isAllowedId('*', ['*'])).toBe(true);
    expect(isAllowedId('*', ['-', '+'])).toBe(false);
    expect(isAllowedId('>', ['>'])).toBe(true);
    expect(isAllowedId('$', ['>'])).toBe(false);
    expect(isAllowedId('(5-1', ['('])).toBe(true);
    expect(isAllowedId('(5', ['('])).toBe(true);
    expect(isAllowedId('(5-1', [])).toBe(false);
    expect(isAllowedId('(', ['('])).toBe(false);
    expect(isAllowedId('(-', ['(', '-'])).toBe(false);
    expect(isAllowedId('5-*', ['ms-*'])).toBe(true);
    expect(isAllowedId('5-*', ['*'])).toBe(false);
    expect(isAllowedId('0', [])).toBe(true);
  });

  it('assertStreamId names the argument and the accepted forms', () => {
    expect(() => assertStreamId('x', 'XRANGE start', ['-', '+', '('])).toThrow(SluiceArgumentError);
    expect(() => assertStreamId('x', 'XRANGE start', ['-', '+', '('])).toThrow(
      'XRANGE start must be a stream id (ms or ms-seq) or one of -, +, (id; got "x"',
    );
    expect(() => assertStreamId(7, 'XACK id')).toThrow('XACK id must be a stream id (ms or ms-seq); got 7');
    expect(() => assertStreamId('1-1', 'XACK id')).not.toThrow();
  });
});
