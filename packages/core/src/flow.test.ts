/** Flow-control options: resolved with their defaults, and refused with one line naming the field. */
import { describe, expect, it } from 'vitest';
import { defineJob } from './define-job.js';
import { flowKey, resolveEnqueueLimit, resolveStartLimits } from './flow.js';

const job = (spec: Record<string, unknown>) => () => defineJob({ name: 'j', handler: () => {}, ...spec } as never);

describe('flow options', () => {
  it('resolves concurrency, rate limit, debounce and throttle', () => {
    const key = (p: { t: string }) => p.t;
    const d = defineJob({
      name: 'j',
      concurrency: { global: 3, perKey: 1, key, perWorker: 2 },
      rateLimit: { limit: 10, period: '1s' },
      debounce: { key: 'k', period: '500ms', maxWait: '2s' },
      handler: () => {},
    });
    expect(d.concurrency).toBe(2);
    expect(d.limits).toEqual({ global: 3, perKey: 1, key, rate: { limit: 10, periodMs: 1000, key: undefined } });
    expect(d.debounce).toEqual({ kind: 'debounce', key: 'k', periodMs: 500, maxWaitMs: 2000 });
    expect(defineJob({ name: 'p', concurrency: 4, handler: () => {} })).toMatchObject({
      concurrency: 4,
      limits: undefined,
    });
    expect(resolveStartLimits('x', undefined, undefined)).toEqual({ perWorker: undefined, limits: undefined });
    expect(resolveEnqueueLimit('enqueue', 'throttle', false)).toBeUndefined();
  });

  it('refuses bad options naming the field', () => {
    expect(job({ concurrency: { global: 0 } })).toThrow(
      'job "j": concurrency.global must be a positive integer; got 0',
    );
    expect(job({ concurrency: { perKey: 1 } })).toThrow(
      'job "j": concurrency.key must be a function (payload) => string; got undefined',
    );
    expect(job({ concurrency: { key: () => 'k' } })).toThrow(
      'job "j": concurrency.perKey must be set when concurrency.key is',
    );
    expect(job({ concurrency: { globl: 1 } })).toThrow(
      'job "j": concurrency.globl must be absent (known: global, perKey, key, perWorker)',
    );
    expect(job({ concurrency: 'many' })).toThrow('job "j": concurrency must be an object; got "many"');
    expect(job({ rateLimit: { limit: 1.5, period: 10 } })).toThrow(
      'job "j": rateLimit.limit must be a positive integer; got 1.5',
    );
    expect(job({ rateLimit: { limit: 1, period: 'often' } })).toThrow('job "j": rateLimit.period expects a duration');
    expect(job({ rateLimit: { limit: 1, period: 10, key: 'tenant' } })).toThrow(
      'job "j": rateLimit.key must be a function (payload) => string; got "tenant"',
    );
    expect(job({ throttle: { period: 10 } })).toThrow(
      'job "j": throttle.key must be a non-empty string or a function (payload) => string; got undefined',
    );
    expect(job({ throttle: { key: 'k', period: 10, maxWait: 20 } })).toThrow(
      'job "j": throttle.maxWait must be absent',
    );
    expect(() => resolveEnqueueLimit('enqueue', 'debounce', 5)).toThrow('enqueue: debounce must be an object; got 5');
  });

  it('a key must be a short string without control characters', () => {
    expect(flowKey((p) => (p as { t: string }).t, { t: 'acme' }, 'job "j"', 'concurrency.key')).toBe('acme');
    expect(() => flowKey(() => 'a\u001bb', {}, 'job "j"', 'concurrency.key')).toThrow(
      'job "j": concurrency.key must be a non-empty string of at most 200 characters without control characters; got "a\\u001bb"',
    );
    expect(() => flowKey(() => 42 as unknown as string, {}, 'job "j"', 'rateLimit.key')).toThrow(
      /rateLimit\.key .* got 42/,
    );
  });
});
