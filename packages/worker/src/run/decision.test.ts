import { defineJob, UnrecoverableError } from '@sluice/core';
import type { JobEnvelope } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { classify, MAX_ERROR_CHARS } from './decision.js';
import { JobInterrupt, MissingHandlerError } from './errors.js';

const job = defineJob({
  name: 'email',
  retry: { attempts: 3, backoff: { type: 'exponential', delay: 100, max: 1000, jitter: 0 } },
  handler: () => {},
});
const env = (over: Partial<JobEnvelope> = {}): JobEnvelope => ({
  id: 'j1',
  name: 'email',
  data: '{}',
  attempt: 1,
  enqueuedAt: 1,
  ...over,
});
const NOW = 1_700_000_000_000;
const fail = (error: unknown, phase: 'payload' | 'handler' = 'handler') => ({ ok: false as const, error, phase });

describe('classify', () => {
  it('acks a success', () => {
    expect(classify(env(), job, { ok: true }, NOW)).toEqual({ kind: 'ack' });
  });

  it('retries a throw with the job backoff, next attempt and first failure time', () => {
    const d = classify(env(), job, fail(new Error('boom')), NOW);
    expect(d).toMatchObject({ kind: 'retry', delayMs: 100, next: { attempt: 2, firstFailedAt: NOW } });
    const d2 = classify(env({ attempt: 2, firstFailedAt: 5 }), job, fail(new Error('boom')), NOW);
    expect(d2).toMatchObject({ kind: 'retry', delayMs: 200, next: { attempt: 3, firstFailedAt: 5 } });
  });

  it('uses a backoff function of attempt and error', () => {
    const j = defineJob({
      name: 'f',
      retry: { attempts: 5, backoff: (a, e) => a * 10 + String(e).length },
      handler: () => {},
    });
    expect(classify(env({ name: 'f', attempt: 2 }), j, fail('xy'), NOW)).toMatchObject({
      kind: 'retry',
      delayMs: 20 + 'Error: non-Error thrown: xy'.length,
    });
  });

  it('dead-letters when attempts are exhausted, with bounded message and stack', () => {
    const err = new Error('x'.repeat(MAX_ERROR_CHARS + 50));
    const d = classify(env({ attempt: 3, firstFailedAt: 7 }), job, fail(err), NOW);
    expect(d).toMatchObject({ kind: 'dead', reason: 'failed', firstFailedAt: 7 });
    if (d.kind !== 'dead') throw new Error('not dead');
    expect(d.error.length).toBeLessThan(MAX_ERROR_CHARS + 40);
    expect(d.stack).toContain('Error');
  });

  it('dead-letters an UnrecoverableError at once', () => {
    expect(classify(env(), job, fail(new UnrecoverableError('nope')), NOW)).toMatchObject({
      kind: 'dead',
      reason: 'unrecoverable',
      error: 'nope',
    });
  });

  it('dead-letters a payload failure at once as invalid', () => {
    expect(classify(env(), job, fail(new Error('bad json'), 'payload'), NOW)).toMatchObject({
      kind: 'dead',
      reason: 'invalid',
      error: 'bad json',
    });
  });

  it('retries a missing handler, then dead-letters it as no-handler', () => {
    const e = new MissingHandlerError('no handler for job "ghost"');
    expect(classify(env({ name: 'ghost' }), undefined, fail(e), NOW)).toMatchObject({
      kind: 'retry',
      next: { attempt: 2 },
    });
    expect(classify(env({ name: 'ghost', attempt: 3 }), undefined, fail(e), NOW)).toMatchObject({
      kind: 'dead',
      reason: 'no-handler',
      error: 'no handler for job "ghost"',
    });
  });

  it('counts a timeout as a failed attempt', () => {
    const t = new JobInterrupt('timeout', 'timed out');
    expect(classify(env(), job, fail(t), NOW)).toMatchObject({ kind: 'retry', next: { attempt: 2 } });
    expect(classify(env({ attempt: 3 }), job, fail(t), NOW)).toMatchObject({
      kind: 'dead',
      reason: 'failed',
      error: 'timed out',
    });
  });

  it('hands a shutdown-aborted job back with the same attempt, and drops a lost lease', () => {
    expect(classify(env({ attempt: 2 }), job, fail(new JobInterrupt('shutdown', 's')), NOW)).toEqual({
      kind: 'hand-back',
      next: env({ attempt: 2 }),
    });
    expect(classify(env(), job, fail(new JobInterrupt('lease-lost', 'l')), NOW)).toEqual({ kind: 'abandon' });
    expect(classify(env({ attempt: 1 }), job, fail(new JobInterrupt('cancelled', 'c')), NOW)).toEqual({
      kind: 'cancel',
    });
  });
});

describe('classify: no URL secret is stored, logged or emitted', () => {
  const secretUrl = 'https://user:pa/ss@hook.example/x?token=t0ken';
  class Tagged extends Error {
    override name = 'Tagged';
    readonly tag = 7;
  }

  it('a dead letter keeps neither the userinfo nor the query values, in the message or the stack', () => {
    const e = new Error(`POST failed: cannot fetch ${secretUrl}`);
    const d = classify(env({ attempt: 3 }), job, fail(e), NOW);
    if (d.kind !== 'dead') throw new Error(`expected dead, got ${d.kind}`);
    expect(d.error).toBe('POST failed: cannot fetch https://user:***@hook.example/x?token=***');
    for (const secret of ['pa/ss', 't0ken']) {
      expect(d.error).not.toContain(secret);
      expect(d.stack).not.toContain(secret);
    }
  });

  it("a retry's error is a redacted copy of the same class; an error without a URL is passed as is", () => {
    const e = new Tagged(`upstream ${secretUrl} said no`);
    const d = classify(env(), job, fail(e), NOW);
    if (d.kind !== 'retry') throw new Error(`expected retry, got ${d.kind}`);
    expect(d.error).toBeInstanceOf(Tagged);
    expect((d.error as Tagged).tag).toBe(7);
    expect(d.error.message).toBe('upstream https://user:***@hook.example/x?token=*** said no');
    expect(d.error.stack).not.toContain('t0ken');
    const plain = new Error('boom');
    expect(classify(env(), job, fail(plain), NOW)).toMatchObject({ kind: 'retry', error: plain });
  });
});
