import { describe, expect, it } from 'vitest';
import { type XTrimStrategy, xtrimArgs, xtrimReply } from './xtrim.js';

describe('XTRIM', () => {
  it('args: exact by default, maxLen 0 empties the stream', () => {
    expect(xtrimArgs('s', { maxLen: 2 })).toEqual(['XTRIM', 's', 'MAXLEN', '=', '2']);
    expect(xtrimArgs('s', { maxLen: 0 })).toEqual(['XTRIM', 's', 'MAXLEN', '=', '0']);
    expect(xtrimArgs('s', { minId: '5-0' }, { approximate: true, limit: 100 })).toEqual([
      'XTRIM',
      's',
      'MINID',
      '~',
      '5-0',
      'LIMIT',
      '100',
    ]);
    expect(xtrimReply(3)).toBe(3);
  });

  it('rejects bad arguments', () => {
    expect(() => xtrimArgs('s', { maxLen: -1 })).toThrow('XTRIM maxLen must be a non-negative integer; got -1');
    expect(() => xtrimArgs('s', {} as XTrimStrategy)).toThrow('XTRIM strategy must be { maxLen } or { minId }');
    expect(() => xtrimArgs('s', { maxLen: 1, minId: '1' } as unknown as XTrimStrategy)).toThrow(
      'XTRIM minId must be absent',
    );
    expect(() => xtrimArgs('s', { minId: '$' })).toThrow('XTRIM minId must be a stream id');
    expect(() => xtrimArgs('s', { maxLen: 1 }, { limit: 10 })).toThrow(
      'XTRIM limit must be given only with approximate: true',
    );
    expect(() => xtrimArgs('s', { maxLen: 1 }, { approximate: 1 as unknown as boolean })).toThrow(
      'XTRIM approximate must be a boolean',
    );
  });
});
