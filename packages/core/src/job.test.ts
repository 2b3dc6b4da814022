import { describe, expect, it } from 'vitest';
import { toFields } from './commands/reply.js';
import { decodeEnvelope, envelopeFields } from './job.js';

/** The fields as every reader gets them from a reply (toFields: a fresh entry's one pair is name and data). */
const fieldsOf = (list: string[]): Record<string, string> => toFields(list);

describe('decodeEnvelope', () => {
  it('decodes what envelopeFields wrote, optional fields included', () => {
    const env = { id: 'j1', name: 'send', data: '{"a":1}', attempt: 3, enqueuedAt: 1_700_000_000_123 };
    expect(decodeEnvelope(fieldsOf(envelopeFields(env)))).toEqual({ ok: true, job: env });
    const full = { ...env, trace: '00-ab-cd-01', key: 'k', firstFailedAt: 1_700_000_000_999 };
    const d = decodeEnvelope(fieldsOf(envelopeFields(full)));
    expect(d.ok && d.job).toEqual(full);
  });

  it('takes the entry id as the job id when the entry has no id field (a job added now), the field otherwise', () => {
    const env = { id: '1732450000000-0', name: 'send', data: '{}', attempt: 1, enqueuedAt: 5 };
    const f = envelopeFields(env, false);
    expect(f).not.toContain('id');
    expect(decodeEnvelope(fieldsOf(f), '1732450000000-0')).toEqual({ ok: true, job: env });
    expect(decodeEnvelope(fieldsOf(envelopeFields({ ...env, id: 'j1' })), '9-0')).toMatchObject({ job: { id: 'j1' } });
    expect(decodeEnvelope(fieldsOf(f))).toMatchObject({ ok: false, reason: 'malformed entry: missing field(s) id' });
  });

  it('writes a fresh entry as one pair (job name in the key); reads attempt 1 and the entry id ms back, or the old fields', () => {
    const env = { id: '1732450000000-3', name: 'send', data: '{}', attempt: 1, enqueuedAt: 5 };
    const fresh = envelopeFields(env, false, false);
    expect(fresh).toEqual(['\u001fsend', '{}']);
    expect(fieldsOf(fresh)).toEqual({ name: 'send', data: '{}' });
    const back = { ...env, enqueuedAt: 1_732_450_000_000 };
    expect(decodeEnvelope(fieldsOf(fresh), env.id)).toEqual({ ok: true, job: back });
    // the worker puts the entry id in as `id`
    expect(decodeEnvelope({ ...fieldsOf(fresh), id: env.id })).toEqual({ ok: true, job: back });
    // enqueueMany keeps its enqueue time (its failed-batch lookup matches on it); a retry keeps its attempt
    expect(envelopeFields(env, false)).toEqual(['\u001fsend', '{}', 'enqueuedAt', '5']);
    expect(envelopeFields({ ...env, attempt: 2 }, false, false)).toEqual(['\u001fsend', '{}', 'attempt', '2']);
    // a traced job stays one pair: the traceparent follows the name in the key, and reads back as `trace`
    const traced = envelopeFields({ ...env, trace: '00-t-s-00' }, false, false);
    expect(traced).toEqual(['\u001fsend\u001e00-t-s-00', '{}']);
    expect(decodeEnvelope(fieldsOf(traced), env.id)).toEqual({ ok: true, job: { ...back, trace: '00-t-s-00' } });
    expect(envelopeFields({ ...env, trace: '00-t-s-00' })).toContain('trace');
    // an entry of an earlier release (attempt and enqueuedAt written) reads as before, and so does the two-field form
    const old = { name: 'send', data: '{}', attempt: '1', enqueuedAt: '5' };
    expect(decodeEnvelope(old, env.id)).toEqual({ ok: true, job: env });
    expect(decodeEnvelope(fieldsOf(['name', 'send', 'data', '{}']), env.id)).toEqual({ ok: true, job: back });
    // no enqueuedAt and an id of its own (not an entry id): 0, as before
    expect(decodeEnvelope({ id: 'j1', name: 'n', data: '{}' })).toMatchObject({
      ok: true,
      job: { attempt: 1, enqueuedAt: 0 },
    });
  });

  it('names the missing fields and keeps what it could read', () => {
    const d = decodeEnvelope({ id: 'j1', data: '', attempt: '1' });
    expect(d).toMatchObject({ ok: false, reason: 'malformed entry: missing field(s) name, data' });
    expect(d.ok ? undefined : d.partial).toMatchObject({ id: 'j1', attempt: 1 });
  });

  it.each(['0', '-1', '1.5', ' 2', '2a', '', '99999999999999999'])('refuses attempt %j', (attempt) => {
    const d = decodeEnvelope({ id: 'j', name: 'n', data: '{}', attempt, enqueuedAt: '1' });
    expect(d.ok).toBe(false);
    expect(d.ok ? '' : d.reason).toBe(
      `malformed entry: attempt must be an integer >= 1; got ${JSON.stringify(attempt)}`,
    );
  });

  it('reads a missing or malformed enqueuedAt as 0 and ignores a malformed firstFailedAt', () => {
    const d = decodeEnvelope({ id: 'j', name: 'n', data: '{}', attempt: '2', enqueuedAt: 'x', firstFailedAt: '1e3' });
    expect(d).toEqual({
      ok: true,
      job: {
        id: 'j',
        name: 'n',
        data: '{}',
        attempt: 2,
        enqueuedAt: 0,
        trace: undefined,
        key: undefined,
        firstFailedAt: undefined,
      },
    });
  });
});
