import { describe, expect, it } from 'vitest';
import { idRange } from './fenced.js';

const ds = (...ids: string[]) => ids.map((entryId) => ({ entryId, deliveries: 1 }));

describe('idRange (the one XPENDING range of a fenced batch)', () => {
  it('takes the smallest and largest id as numbers, ms then seq, whatever the order', () => {
    expect(idRange(ds('100-1', '1-10', '1-9', '99-1', '9-1', '2-1', '10-2', '10-1'))).toEqual(['1-9', '100-1']);
    expect(idRange(ds('5-0'))).toEqual(['5-0', '5-0']);
    expect(idRange(ds('1732450000000-12', '1732450000000-2', '999999999999-99'))).toEqual([
      '999999999999-99',
      '1732450000000-12',
    ]);
  });

  it('leaves out what is not <ms>-<seq> (those get the single-id fence), and gives no range when nothing is', () => {
    expect(idRange(ds('x', '3-1', '-1', '2-', '1-2-3', '12345678901234567890-1', '2-0'))).toEqual(['2-0', '3-1']);
    expect(idRange(ds('abc', ''))).toEqual(['', '']);
    expect(idRange([])).toEqual(['', '']);
  });
});
