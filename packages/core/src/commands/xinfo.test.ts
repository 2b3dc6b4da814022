import { describe, expect, it } from 'vitest';
import {
  xinfoConsumersArgs,
  xinfoConsumersReply,
  xinfoGroupsArgs,
  xinfoGroupsReply,
  xinfoStreamArgs,
  xinfoStreamReply,
} from './xinfo.js';

// Copied from Redis 7.0.15 replies through @redis/client sendCommand (RESP3 and RESP2).
const stream3 = {
  length: 2,
  'radix-tree-keys': 1,
  'radix-tree-nodes': 2,
  'last-generated-id': '3-0',
  'max-deleted-entry-id': '1-0',
  'entries-added': 3,
  'recorded-first-entry-id': '2-0',
  groups: 2,
  'first-entry': ['2-0', ['a', '3']],
  'last-entry': ['3-0', ['a', '4']],
};
const stream2 = Object.entries(stream3).flat();
const groups3 = [
  { name: 'g', consumers: 3, pending: 2, 'last-delivered-id': '3-0', 'entries-read': 3, lag: 0 },
  { name: 'g2', consumers: 0, pending: 0, 'last-delivered-id': '3-0', 'entries-read': null, lag: null },
];
const consumers3 = [
  { name: 'c1', pending: 0, idle: 24 },
  { name: 'c3', pending: 2, idle: 1 },
];

describe('XINFO', () => {
  it('args', () => {
    expect(xinfoStreamArgs('s')).toEqual(['XINFO', 'STREAM', 's']);
    expect(xinfoGroupsArgs('s')).toEqual(['XINFO', 'GROUPS', 's']);
    expect(xinfoConsumersArgs('s', 'g')).toEqual(['XINFO', 'CONSUMERS', 's', 'g']);
    expect(() => xinfoConsumersArgs('s', '')).toThrow('XINFO CONSUMERS group must be a non-empty string');
  });

  it('STREAM on RESP3 and RESP2', () => {
    const want = {
      length: 2,
      lastGeneratedId: '3-0',
      maxDeletedEntryId: '1-0',
      entriesAdded: 3,
      groups: 2,
      firstEntry: { id: '2-0', fields: { a: '3' } },
      lastEntry: { id: '3-0', fields: { a: '4' } },
    };
    expect(xinfoStreamReply(stream3)).toEqual(want);
    expect(xinfoStreamReply(stream2)).toEqual(want);
  });

  it('STREAM of an empty stream, and Redis 6.2 without the 7.0 fields', () => {
    const empty = { ...stream3, length: 0, 'first-entry': null, 'last-entry': null };
    expect(xinfoStreamReply(empty)).toMatchObject({ length: 0, firstEntry: null, lastEntry: null });
    const v62 = [
      'length',
      1,
      'last-generated-id',
      '1-0',
      'groups',
      0,
      'first-entry',
      ['1-0', ['a', 'b']],
      'last-entry',
      ['1-0', ['a', 'b']],
    ];
    const info = xinfoStreamReply(v62);
    expect(info).toEqual({
      length: 1,
      lastGeneratedId: '1-0',
      groups: 0,
      firstEntry: { id: '1-0', fields: { a: 'b' } },
      lastEntry: { id: '1-0', fields: { a: 'b' } },
    });
    expect('maxDeletedEntryId' in info).toBe(false);
    expect(() => xinfoStreamReply({ groups: 1 })).toThrow('unexpected XINFO STREAM length reply');
  });

  it('GROUPS on RESP3 and RESP2; entries-read and lag may be null; absent on 6.2', () => {
    const want = [
      { name: 'g', consumers: 3, pending: 2, lastDeliveredId: '3-0', entriesRead: 3, lag: 0 },
      { name: 'g2', consumers: 0, pending: 0, lastDeliveredId: '3-0', entriesRead: null, lag: null },
    ];
    expect(xinfoGroupsReply(groups3)).toEqual(want);
    expect(xinfoGroupsReply(groups3.map((g) => Object.entries(g).flat()))).toEqual(want);
    expect(xinfoGroupsReply([['name', 'g', 'consumers', 1, 'pending', 0, 'last-delivered-id', '0-0']])).toEqual([
      { name: 'g', consumers: 1, pending: 0, lastDeliveredId: '0-0', entriesRead: null, lag: null },
    ]);
    expect(xinfoGroupsReply([])).toEqual([]);
  });

  it('CONSUMERS on RESP3 and RESP2; inactive only on Redis >= 7.2', () => {
    const want = [
      { name: 'c1', pending: 0, idleMs: 24, inactiveMs: null },
      { name: 'c3', pending: 2, idleMs: 1, inactiveMs: null },
    ];
    expect(xinfoConsumersReply(consumers3)).toEqual(want);
    expect(xinfoConsumersReply(consumers3.map((c) => Object.entries(c).flat()))).toEqual(want);
    expect(xinfoConsumersReply([{ name: 'c', pending: 1, idle: 5, inactive: 3 }])).toEqual([
      { name: 'c', pending: 1, idleMs: 5, inactiveMs: 3 },
    ]);
  });
});
