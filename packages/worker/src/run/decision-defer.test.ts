import { defineJob } from '@sluice/core';
import type { JobEnvelope } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { classify } from './decision.js';
import { DeferJob } from './errors.js';

const env: JobEnvelope = { id: 'j1', name: 'x', data: '{}', attempt: 3, enqueuedAt: 0 };
const job = defineJob({ name: 'x', retry: { attempts: 3 }, handler: () => {} });

describe('classify: DeferJob', () => {
  it('retries after its delay with the same attempt, even on the last attempt', () => {
    const err = new DeferJob('endpoint refused the signature', 4000);
    expect(classify(env, job, { ok: false, error: err, phase: 'handler' }, 0)).toEqual({
      kind: 'retry',
      delayMs: 4000,
      error: err,
      next: env,
    });
  });

  it('a plain error on the last attempt still dead-letters', () => {
    const d = classify(env, job, { ok: false, error: new Error('x'), phase: 'handler' }, 0);
    expect(d.kind).toBe('dead');
  });
});
