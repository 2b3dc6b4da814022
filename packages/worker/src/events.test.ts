/** jobEventBase: the one builder of every job event's identity fields. */
import { describe, expect, it } from 'vitest';
import { jobEventBase } from './events.js';

describe('jobEventBase', () => {
  it('from a decoded envelope', () => {
    expect(jobEventBase('q', '1-0', { id: 'j1', name: 'email', attempt: 2 })).toEqual({
      queue: 'q',
      name: 'email',
      jobId: 'j1',
      attempt: 2,
      entryId: '1-0',
    });
  });

  it('from raw entry fields, as far as they go', () => {
    expect(jobEventBase('q', '1-0', { id: 'j1', name: 'email', attempt: '3' })).toMatchObject({ attempt: 3 });
    expect(jobEventBase('q', '1-0', { attempt: 'x' })).toEqual({
      queue: 'q',
      name: '',
      jobId: '',
      attempt: 0,
      entryId: '1-0',
    });
  });
});
