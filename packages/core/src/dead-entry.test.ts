import { describe, expect, it } from 'vitest';
import {
  type DeadLetter,
  deadEntryFields,
  decodeDeadEntry,
  lostEntryFields,
  MAX_OTHER_CHARS,
  MAX_OTHER_FIELDS,
} from './dead-entry.js';

const flat = (f: string[]): Record<string, string> => {
  const o: Record<string, string> = {};
  for (let i = 0; i < f.length; i += 2) o[f[i] as string] = f[i + 1] as string;
  return o;
};

const job = { id: 'j1', name: 'email', data: '{"to":"a"}', attempt: '3', enqueuedAt: '1700000000000', key: 'k' };
const letter = (fields: Record<string, string>, over: Partial<DeadLetter> = {}): DeadLetter => ({
  fields,
  reason: 'failed',
  error: 'SMTP said no',
  attempts: 3,
  failedAt: 1700000005000,
  ...over,
});

describe('dead-letter entry format', () => {
  it('round-trips a failed job into a typed DeadJob (the script adds deadAt and entryId)', () => {
    const f = deadEntryFields(letter({ ...job, firstFailedAt: '1', reason: 'spoofed' }, { stack: 'Error: x' }));
    const d = decodeDeadEntry({
      id: '1700000006000-0',
      fields: { ...flat(f), deadAt: '1700000006001', entryId: '5-0' },
    });
    expect(d).toEqual({
      deadId: '1700000006000-0',
      reason: 'failed',
      error: 'SMTP said no',
      stack: 'Error: x',
      attempts: 3,
      failedAt: 1700000005000,
      firstFailedAt: 1700000005000,
      deadAt: 1700000006001,
      entryId: '5-0',
      job: { id: 'j1', name: 'email', data: '{"to":"a"}', attempt: 3, enqueuedAt: 1700000000000, key: 'k' },
      redrivable: true,
      member: undefined,
      other: {},
      truncated: undefined,
    });
  });

  it('keeps the job fields in full and bounds the other fields of a malformed entry, saying what was cut', () => {
    const raw: Record<string, string> = { data: 'x'.repeat(5000) };
    for (let i = 0; i < 5000; i++) raw[`f${i}`] = i === 0 ? 'y'.repeat(MAX_OTHER_CHARS + 1) : 'v';
    const f = deadEntryFields(letter(raw, { reason: 'invalid' }));
    expect(f.length).toBeLessThan(2 * (MAX_OTHER_FIELDS + 16));
    const d = decodeDeadEntry({ id: '1-0', fields: flat(f) });
    expect(d.job.data).toHaveLength(5000);
    expect(Object.keys(d.other)).toHaveLength(MAX_OTHER_FIELDS);
    expect(d.other.f0).toHaveLength(MAX_OTHER_CHARS);
    expect(d.truncated).toBe(`kept ${MAX_OTHER_FIELDS} of 5000 other fields; 1 cut to ${MAX_OTHER_CHARS} characters`);
    expect(d.redrivable).toBe(false);
  });

  it('reads a fresh job (no attempt, no enqueuedAt in its entry) as attempt 1 enqueued at its entry id ms', () => {
    const fresh = { name: 'email', data: '{}' };
    const f = deadEntryFields(letter(fresh, { attempts: 1 }));
    // the dead-letter script writes the entry id as the job's id
    const d = decodeDeadEntry({ id: '9-0', fields: { ...flat(f), id: '1700000000123-4', entryId: '1700000000123-4' } });
    expect(d.job).toEqual({ id: '1700000000123-4', name: 'email', data: '{}', attempt: 1, enqueuedAt: 1700000000123 });
    // a tombstone has no job fields: no attempt is made up
    expect(decodeDeadEntry({ id: '9-1', fields: flat(lostEntryFields('5-0', 7)) }).job).toEqual({});
  });

  it('decodes the lost tombstone: not redrivable, its time from deadAt', () => {
    const d = decodeDeadEntry({ id: '9-0', fields: flat(lostEntryFields('7-0', 1700000000000)) });
    expect(d).toMatchObject({ reason: 'lost', entryId: '7-0', deadAt: 1700000000000, job: {}, redrivable: false });
    expect(d.error).toMatch(/entry 7-0 was deleted from the stream/);
  });

  it('decodes entries of earlier versions: no attempts field, a delayed member in data, no deadAt', () => {
    const old = decodeDeadEntry({ id: '1700000000000-3', fields: { ...job, reason: 'failed', error: 'e' } });
    expect(old).toMatchObject({ attempts: 3, deadAt: 1700000000000, redrivable: true });
    const member = decodeDeadEntry({ id: '2-0', fields: { reason: 'invalid', error: 'malformed', data: '[1]' } });
    expect(member).toMatchObject({ job: { data: '[1]' }, redrivable: false, attempts: undefined });
    expect(decodeDeadEntry({ id: '3-0', fields: { reason: 'something-new', x: '1' } })).toMatchObject({
      reason: 'something-new',
      error: '',
      other: { x: '1' },
    });
  });
});
