/** jobEventBase (and its one-literal timed form): the builders of every job event's identity fields. */
import { describe, expect, it } from 'vitest';
import { jobEventBase, timedJobEvent } from './events.js';

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

  it('timedJobEvent is jobEventBase plus durationMs and startedAt, with the same keys in the same order', () => {
    const job = { id: 'j1', name: 'email', attempt: 2 };
    const timed = timedJobEvent('q', '1-0', job, 12.5, 1700);
    expect(timed).toEqual({ ...jobEventBase('q', '1-0', job), durationMs: 12.5, startedAt: 1700 });
    expect(Object.keys(timed)).toEqual([...Object.keys(jobEventBase('q', '1-0', job)), 'durationMs', 'startedAt']);
  });
});
