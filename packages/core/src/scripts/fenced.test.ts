import { describe, expect, it } from 'vitest';
import { decodeCounts, encodeCounts, idRange } from './fenced.js';

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

  it('gives the same range in stream order, reversed and shuffled, with ms and seq of every width', () => {
    const ids = [
      '9-9',
      '9-10',
      '10-0',
      '10-1',
      '99-100',
      '100-2',
      '1732450000000-0',
      '1732450000000-9',
      '1732450000000-10',
    ];
    const rev = [...ids].reverse();
    const mixed = [ids[4], ids[0], ids[8], ids[2], ids[6], ids[1], ids[7], ids[3], ids[5]] as string[];
    for (const order of [ids, rev, mixed]) expect(idRange(ds(...order))).toEqual(['9-9', '1732450000000-10']);
    expect(idRange(ds('5-10', '5-9', '5-11'))).toEqual(['5-9', '5-11']); // same ms, seq of another width
  });

  it('leaves out what is not <ms>-<seq> (those get the single-id fence), and gives no range when nothing is', () => {
    expect(idRange(ds('x', '3-1', '-1', '2-', '1-2-3', '12345678901234567890-1', '2-0'))).toEqual(['2-0', '3-1']);
    expect(idRange(ds('abc', ''))).toEqual(['', '']);
    expect(idRange([])).toEqual(['', '']);
  });
});

describe('encodeCounts (the delivery counts of an ack batch as one value)', () => {
  const counts = (...n: number[]) => n.map((deliveries, i) => ({ entryId: `1-${i}`, deliveries }));

  it('is empty when every count is 1, and expands back to n times 1', () => {
    expect(encodeCounts(counts(1, 1, 1))).toBe('');
    expect(decodeCounts('', 3)).toEqual(['1', '1', '1']);
    expect(encodeCounts(counts(1))).toBe('');
    expect(decodeCounts('', 1)).toEqual(['1']);
  });

  it('lists every count when one is not 1, and round-trips', () => {
    for (const n of [[2], [1, 2, 1], [3, 1], [1, 1, 12], [7, 7]]) {
      const s = encodeCounts(counts(...n));
      expect(s).toBe(n.join(','));
      expect(decodeCounts(s, n.length)).toEqual(n.map(String));
    }
  });
});
