import { UnrecoverableError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { classifyResponse, deliveryId, honourRetryAfter, reasonOf } from './push-dispatcher.js';
import { parseRetryAfter, RetryAfterError } from './retry-after.js';
import { isDeliveryId } from './signature.js';

describe('push: responses, Retry-After, delivery ids', () => {
  it('2xx ok; 408, 429 and 5xx retry; every other status dead-letters', () => {
    expect(classifyResponse(200, null, '')).toEqual({ kind: 'ok' });
    expect(classifyResponse(204, null, '')).toEqual({ kind: 'ok' });
    expect(classifyResponse(503, '7', '{"error":"busy"}', 0)).toEqual({
      kind: 'retry',
      reason: 'answered 503: busy',
      retryAfterMs: 7000,
    });
    expect(classifyResponse(429, null, '', 0)).toMatchObject({ kind: 'retry', retryAfterMs: undefined });
    expect(classifyResponse(408, null, 'slow', 0)).toMatchObject({ kind: 'retry', reason: 'answered 408: slow' });
    expect(classifyResponse(422, null, '{"error":"invalid payload for job \\"x\\": to: bad"}')).toEqual({
      kind: 'dead',
      reason: 'answered 422: invalid payload for job "x": to: bad',
    });
    expect(classifyResponse(401, null, '')).toEqual({ kind: 'refused', reason: 'HTTP 401' });
    expect(classifyResponse(403, null, '{"error":"forbidden"}')).toEqual({ kind: 'refused', reason: 'forbidden' });
    expect(classifyResponse(404, null, '')).toEqual({ kind: 'dead', reason: 'answered 404: HTTP 404' });
  });

  it('reason: JSON error/reason/message, else the text, bounded to one line', () => {
    expect(reasonOf('{"reason":"nope"}', 400)).toBe('nope');
    expect(reasonOf('plain\n text', 400)).toBe('plain text');
    expect(reasonOf('x'.repeat(600), 400)).toHaveLength(501);
  });

  it('Retry-After: delta seconds or an HTTP date, capped at 1 hour', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:10 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999', now)).toBe(3_600_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("backoff honours a RetryAfterError, else uses the job's backoff", () => {
    const b = honourRetryAfter({ type: 'fixed', delay: 500 });
    if (typeof b !== 'function') throw new Error('expected a function');
    expect(b(1, new RetryAfterError('x', 7000))).toBe(7000);
    expect(b(1, new RetryAfterError('x'))).toBe(500);
    expect(b(2, new UnrecoverableError('x'))).toBe(500);
  });

  it('delivery ids are unique per POST and valid header values', () => {
    const a = deliveryId('0b5e-uuid', 2);
    expect(a).toMatch(/^0b5e-uuid:2:[0-9a-f]{16}$/);
    expect(deliveryId('0b5e-uuid', 2)).not.toBe(a);
    expect(isDeliveryId(deliveryId('weird id.{x}', 1))).toBe(true);
  });
});
