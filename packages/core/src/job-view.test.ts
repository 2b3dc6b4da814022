import { describe, expect, it } from 'vitest';
import { jobFromFields, jobMatches, memberFields } from './job-view.js';

describe('job view', () => {
  it('decodes fields into a JobInfo, numbers parsed, absent optional fields left out', () => {
    const j = jobFromFields('ready', { id: 'a', name: 'n', data: '{}', attempt: '2', enqueuedAt: '5' });
    expect(j).toEqual({ id: 'a', state: 'ready', name: 'n', data: '{}', attempt: 2, enqueuedAt: 5 });
    expect(jobFromFields('ready', { attempt: 'x', firstFailedAt: '7', key: 'k' })).toMatchObject({
      id: '',
      attempt: null,
      firstFailedAt: 7,
      key: 'k',
    });
  });

  it('reads a delayed member: a JSON object of strings (other values dropped), else null', () => {
    expect(memberFields('{"id":"a","n":1,"name":"x"}')).toEqual({ id: 'a', name: 'x' });
    expect(memberFields('[1]')).toBeNull();
    expect(memberFields('nope')).toBeNull();
    expect(memberFields('null')).toBeNull();
  });

  it('matches a name exactly and a search text in the id, name or payload', () => {
    const j = jobFromFields('ready', { id: 'abc-1', name: 'send-email', data: '{"to":"ada@x.io"}', attempt: '1' });
    expect(jobMatches(j, undefined, undefined)).toBe(true);
    expect(jobMatches(j, 'send-email', 'ada@')).toBe(true);
    expect(jobMatches(j, 'send', undefined)).toBe(false);
    expect(jobMatches(j, undefined, 'abc')).toBe(true);
    expect(jobMatches(j, undefined, 'email')).toBe(true);
    expect(jobMatches(j, undefined, 'bob')).toBe(false);
  });
});
