/** The worker options of a push dispatcher: push jobs made with defineJob, for given jobs and for any other name. */
import { defineJob } from '@sluice/core';
import { isJobDefinition } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PUSH_TIMEOUT, pushWorkerOptions } from './push-dispatcher.js';

const base = { to: 'http://127.0.0.1:1/jobs', secrets: 's3cret-s3cret-s3cret' };

describe('pushWorkerOptions', () => {
  it('a given job keeps its queue, attempts, concurrency and timeout; its handler is the POST', () => {
    const email = defineJob({
      name: 'email',
      queue: 'mail',
      retry: { attempts: 7 },
      timeout: 5000,
      concurrency: 2,
      handler: () => {},
    });
    const [push] = pushWorkerOptions({ ...base, jobs: [email] }).jobs;
    expect(isJobDefinition(push)).toBe(true);
    expect(push).toMatchObject({ name: 'email', queue: 'mail', attempts: 7, timeout: 5000, concurrency: 2 });
    expect(push?.handler).not.toBe(email.handler);
  });

  it('every other name, whatever it looks like, gets the one push job with `attempts` and the default timeout', () => {
    const o = pushWorkerOptions({ ...base, queues: ['q'], attempts: 4 });
    const a = o.fallbackJob?.('order shipped {eu}');
    expect(isJobDefinition(a)).toBe(true);
    expect(a).toMatchObject({ attempts: 4, timeout: DEFAULT_PUSH_TIMEOUT, concurrency: undefined, schema: undefined });
    expect(o.fallbackJob?.('other')).toBe(a);
  });

  it('`timeout` overrides every job timeout; a bad attempts or timeout is refused naming the option', () => {
    const slow = defineJob({ name: 'slow', timeout: 60_000, handler: () => {} });
    const o = pushWorkerOptions({ ...base, jobs: [slow], timeout: 2000 });
    expect(o.jobs[0]?.timeout).toBe(2000);
    expect(o.fallbackJob?.('x')?.timeout).toBe(2000);
    expect(() => pushWorkerOptions({ ...base, queues: ['q'], attempts: 0 })).toThrow(
      'createPushDispatcher: attempts must be a positive integer; got 0',
    );
    expect(() => pushWorkerOptions({ ...base, queues: ['q'], timeout: 1.5 })).toThrow(
      'createPushDispatcher: timeout must be a positive integer (ms); got 1.5',
    );
  });
});
