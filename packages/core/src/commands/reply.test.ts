import { describe, expect, it } from 'vitest';
import {
  mapOrPairs,
  NAMED_DATA_MARK,
  num,
  pairsOf,
  str,
  TRACE_MARK,
  toEntries,
  toEntryOrNull,
  toFields,
  toGroupEntries,
  UnexpectedReplyError,
} from './reply.js';

describe('reply helpers', () => {
  it('num takes numbers, bigints and decimal strings', () => {
    expect(num(3)).toBe(3);
    expect(num(3n)).toBe(3);
    expect(num('42')).toBe(42);
    expect(num('-1')).toBe(-1);
    expect(() => num('4x', 'XLEN')).toThrow(UnexpectedReplyError);
    expect(() => num(null, 'XLEN')).toThrow('unexpected XLEN reply: null');
  });

  it('str decodes buffers', () => {
    expect(str('a')).toBe('a');
    expect(str(Buffer.from('héllo'))).toBe('héllo');
    expect(() => str(1, 'id')).toThrow('unexpected id reply: 1');
  });

  it('mapOrPairs reads RESP3 objects, Maps, RESP2 flat arrays and pair lists', () => {
    const want = { length: 2, 'last-generated-id': '3-0' };
    expect(mapOrPairs({ length: 2, 'last-generated-id': '3-0' })).toEqual(want);
    expect(mapOrPairs(new Map<string, unknown>(Object.entries(want)))).toEqual(want);
    expect(mapOrPairs(['length', 2, 'last-generated-id', '3-0'])).toEqual(want);
    expect(
      mapOrPairs([
        ['length', 2],
        ['last-generated-id', '3-0'],
      ]),
    ).toEqual(want);
    expect(mapOrPairs([])).toEqual({});
    expect(() => mapOrPairs(['a', 1, 'b'], 'XINFO')).toThrow(UnexpectedReplyError);
    expect(() => mapOrPairs('OK', 'XINFO')).toThrow(UnexpectedReplyError);
  });

  it('recovers a __proto__ key that a RESP3 client turned into the prototype', () => {
    const entries = [['1-0', ['a', '1']]];
    const raw: Record<string, unknown> = {};
    Object.setPrototypeOf(raw, entries); // what the client's `obj['__proto__'] = value` does
    expect(Object.keys(raw)).toEqual([]);
    const pairs = pairsOf(raw);
    expect(pairs).toEqual([['__proto__', entries]]);
    const m = mapOrPairs(raw);
    expect(Object.hasOwn(m, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
  });

  it('toFields builds plain objects; the last of a repeated field wins; __proto__ is an own field', () => {
    expect(toFields(['a', '1', 'b', '2'])).toEqual({ a: '1', b: '2' });
    expect(toFields(['a', '1', 'a', '2'])).toEqual({ a: '2' });
    // A Buffer value or a __proto__ field after plain ones leaves the fast path without losing or reordering fields.
    expect(Object.entries(toFields(['a', '1', 'b', Buffer.from('2'), 'c', '3']))).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    const late = toFields(['a', '1', '__proto__', 'x', 'b', '2']);
    expect(Object.keys(late)).toEqual(['a', '__proto__', 'b']);
    expect(Object.getPrototypeOf(late)).toBe(Object.prototype);
    const f = toFields(['__proto__', 'x']);
    expect(Object.hasOwn(f, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(f)).toBe(Object.prototype);
    expect(() => toFields(['a', 1])).toThrow(UnexpectedReplyError);
  });

  it('toFields stores the names of a job entry like any other: reply order kept, the last repeat wins', () => {
    const raw = ['data', '{}', 'x', '1', 'name', 'a', 'enqueuedAt', '5', 'attempt', '2', 'id', 'j', 'name', 'b'];
    expect(Object.entries(toFields(raw))).toEqual([
      ['data', '{}'],
      ['x', '1'],
      ['name', 'b'],
      ['enqueuedAt', '5'],
      ['attempt', '2'],
      ['id', 'j'],
    ]);
  });

  it("toFields reads a fresh entry's one pair <U+001F><job name> as name and data, on both paths", () => {
    expect(toFields(['\u001fsend-email', '{"a":1}', 'trace', 't'])).toEqual({
      name: 'send-email',
      data: '{"a":1}',
      trace: 't',
    });
    // the slow path (a Buffer value) reads it the same; a bare mark is an empty name (decodeEnvelope: malformed)
    expect(toFields([Buffer.from('\u001fa:b'), Buffer.from('{}')])).toEqual({ name: 'a:b', data: '{}' });
    expect(toFields(['\u001f', 'x'])).toEqual({ name: '', data: 'x' });
    // with an explicit field too, the last one in the entry wins, as for any repeated field
    expect(toFields(['\u001fa', '1', 'name', 'b'])).toEqual({ name: 'b', data: '1' });
    expect(toFields(['name', 'b', '\u001fa', '1'])).toEqual({ name: 'a', data: '1' });
    expect(NAMED_DATA_MARK).toBe('\u001f');
  });

  it("toFields reads a traced fresh entry's key <U+001F><job name><U+001E><traceparent> as name, trace and data", () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    expect(toFields([`\u001fsend-email\u001e${tp}`, '{"a":1}'])).toEqual({
      name: 'send-email',
      data: '{"a":1}',
      trace: tp,
    });
    expect(toFields([Buffer.from(`\u001fa\u001e${tp}`), Buffer.from('{}')])).toEqual({
      name: 'a',
      data: '{}',
      trace: tp,
    });
    // only the first separator splits: a job name never has one, so a trace given by the caller is kept whole
    expect(toFields(['\u001fa\u001ex\u001ey', '{}'])).toEqual({ name: 'a', data: '{}', trace: 'x\u001ey' });
    expect(TRACE_MARK).toBe('\u001e');
  });

  it('toEntries maps [id, fields] and skips nil entries; [id, null] is an error there', () => {
    expect(toEntries([['1-0', ['a', '1']], null, ['2-0', ['b', '2']]])).toEqual([
      { id: '1-0', fields: { a: '1' } },
      { id: '2-0', fields: { b: '2' } },
    ]);
    expect(toEntries([])).toEqual([]);
    expect(() => toEntries([['1-0', null]], 'XRANGE')).toThrow('unexpected XRANGE reply');
    expect(() => toEntries(null, 'XRANGE')).toThrow(UnexpectedReplyError);
    expect(() => toEntries([['1-0']], 'XRANGE')).toThrow(UnexpectedReplyError);
  });

  it('toGroupEntries keeps deleted entries as fields: null', () => {
    expect(
      toGroupEntries([
        ['1-0', null],
        ['2-0', ['a', '3']],
      ]),
    ).toEqual([
      { id: '1-0', fields: null },
      { id: '2-0', fields: { a: '3' } },
    ]);
  });

  it('toEntryOrNull', () => {
    expect(toEntryOrNull(null)).toBeNull();
    expect(toEntryOrNull(['2-0', ['a', '3']])).toEqual({ id: '2-0', fields: { a: '3' } });
  });
});
