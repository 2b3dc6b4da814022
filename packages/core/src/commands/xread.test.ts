import { describe, expect, it } from 'vitest';
import type { RedisExecutor } from '../connection.js';
import { xread, xreadArgs, xreadgroupReply, xreadReply } from './xread.js';
import { xreadgroup, xreadgroupArgs } from './xreadgroup.js';

const entries = [
  ['1-0', ['a', '1', 'b', '2']],
  ['2-0', ['a', '3']],
];
const parsed = [
  { id: '1-0', fields: { a: '1', b: '2' } },
  { id: '2-0', fields: { a: '3' } },
];

describe('xreadArgs', () => {
  it('one stream or several; keys first, then ids', () => {
    expect(xreadArgs({ key: 's', id: '0' })).toEqual(['XREAD', 'STREAMS', 's', '0']);
    expect(
      xreadArgs(
        [
          { key: 'a', id: '1-0' },
          { key: 'b', id: '$' },
        ],
        { count: 5, block: 100 },
      ),
    ).toEqual(['XREAD', 'COUNT', '5', 'BLOCK', '100', 'STREAMS', 'a', 'b', '1-0', '$']);
    expect(xreadArgs({ key: 's', id: '$' }, { block: 0 })).toEqual(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']);
  });

  it('rejects bad arguments', () => {
    expect(() => xreadArgs([])).toThrow('XREAD streams must be a non-empty list');
    expect(() => xreadArgs({ key: 's', id: '>' })).toThrow(
      'XREAD id of "s" must be a stream id (ms or ms-seq) or one of $',
    );
    expect(() => xreadArgs({ key: '', id: '0' })).toThrow('XREAD stream key must be a non-empty string');
    expect(() =>
      xreadArgs([
        { key: 's', id: '0' },
        { key: 's', id: '1' },
      ]),
    ).toThrow('XREAD stream key must be named once');
    expect(() => xreadArgs({ key: 's', id: '0' }, { count: 0 })).toThrow('XREAD count must be an integer >= 1; got 0');
    expect(() => xreadArgs({ key: 's', id: '0' }, { count: -2 })).toThrow('XREAD count must be an integer >= 1');
    expect(() => xreadArgs({ key: 's', id: '0' }, { block: -1 })).toThrow('XREAD block must be a non-negative integer');
    expect(() => xreadArgs([null as unknown as { key: string; id: string }])).toThrow('XREAD streams must be a list');
  });
});

describe('xreadReply', () => {
  it('RESP3 map', () => {
    expect(xreadReply({ S: entries })).toEqual([{ stream: 'S', entries: parsed }]);
  });
  it('RESP2 nested pairs, and a flat map array', () => {
    expect(
      xreadReply([
        ['S', entries],
        ['T', []],
      ]),
    ).toEqual([
      { stream: 'S', entries: parsed },
      { stream: 'T', entries: [] },
    ]);
    expect(xreadReply(['S', entries])).toEqual([{ stream: 'S', entries: parsed }]);
  });
  it('null (BLOCK timed out / nothing new) gives []', () => {
    expect(xreadReply(null)).toEqual([]);
  });
  it('restores request order lost by integer-like keys in a RESP3 object', () => {
    const raw = { b: [], 10: [], 2: [] }; // JS orders integer keys first: 2, 10, b
    expect(xreadReply(raw).map((r) => r.stream)).toEqual(['2', '10', 'b']);
    expect(xreadReply(raw, ['b', '10', '2']).map((r) => r.stream)).toEqual(['b', '10', '2']);
  });
  it('rejects a deleted entry (only XREADGROUP history reads have them)', () => {
    expect(() => xreadReply({ S: [['1-0', null]] })).toThrow('unexpected XREAD reply');
  });
});

describe('xreadgroup', () => {
  it('args', () => {
    expect(xreadgroupArgs('g', 'c1', { key: 's', id: '>' }, { count: 5, block: 1000, noAck: true })).toEqual([
      'XREADGROUP',
      'GROUP',
      'g',
      'c1',
      'COUNT',
      '5',
      'BLOCK',
      '1000',
      'NOACK',
      'STREAMS',
      's',
      '>',
    ]);
    expect(xreadgroupArgs('g', 'c1', [{ key: 's', id: '0' }])).toEqual([
      'XREADGROUP',
      'GROUP',
      'g',
      'c1',
      'STREAMS',
      's',
      '0',
    ]);
  });
  it('rejects bad arguments', () => {
    expect(() => xreadgroupArgs('', 'c', { key: 's', id: '>' })).toThrow('XREADGROUP group must be a non-empty string');
    expect(() => xreadgroupArgs('g', '', { key: 's', id: '>' })).toThrow(
      'XREADGROUP consumer must be a non-empty string',
    );
    expect(() => xreadgroupArgs('g', 'c', { key: 's', id: '$' })).toThrow('XREADGROUP id of "s" must be a stream id');
    expect(() => xreadgroupArgs('g', 'c', { key: 's', id: '>' }, { count: -1 })).toThrow('XREADGROUP count must be');
    expect(() => xreadgroupArgs('g', 'c', { key: 's', id: '>' }, { noAck: 'y' as unknown as boolean })).toThrow(
      'XREADGROUP noAck must be a boolean',
    );
  });
  it('reply keeps deleted pending entries as fields: null (RESP3 and RESP2)', () => {
    const want = [
      {
        stream: 'S',
        entries: [
          { id: '1-0', fields: null },
          { id: '2-0', fields: { a: '3' } },
        ],
      },
    ];
    expect(
      xreadgroupReply({
        S: [
          ['1-0', null],
          ['2-0', ['a', '3']],
        ],
      }),
    ).toEqual(want);
    expect(
      xreadgroupReply([
        [
          'S',
          [
            ['1-0', null],
            ['2-0', ['a', '3']],
          ],
        ],
      ]),
    ).toEqual(want);
    expect(xreadgroupReply(null)).toEqual([]);
  });
  it('xread / xreadgroup route by the first key', async () => {
    const keys: (string | undefined)[] = [];
    const exec: RedisExecutor = {
      send: async (_a, key) => {
        keys.push(key);
        return null;
      },
    };
    await expect(
      xread(exec, [
        { key: 'a', id: '0' },
        { key: 'b', id: '0' },
      ]),
    ).resolves.toEqual([]);
    await expect(xreadgroup(exec, 'g', 'c', { key: 'z', id: '>' })).resolves.toEqual([]);
    expect(keys).toEqual(['a', 'z']);
  });
});
