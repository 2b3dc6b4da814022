import { describe, expect, it } from 'vitest';
import { constantTimeEqual, isDeliveryId, sign, signatureBase, verifySignature } from './signature.js';

const now = 1_760_000_000_000;
const ts = Math.floor(now / 1000);
const body = '{"id":"j1","name":"send","queue":"send","attempt":1,"payload":{"to":"ä@example.com"}}';

const check = (signature: string | null, o: { secrets?: string[]; at?: number; id?: string; body?: string } = {}) =>
  verifySignature({
    secrets: o.secrets ?? ['s1'],
    signature,
    timestamp: String(ts),
    deliveryId: o.id ?? 'j1:1:abc',
    body: o.body ?? body,
    now: o.at ?? now,
  });

describe('signature', () => {
  it('base string is timestamp.deliveryId.body over the exact bytes', () => {
    expect(new TextDecoder().decode(signatureBase(12, 'd:1', 'xé'))).toBe('12.d:1.xé');
  });

  it('matches an HMAC-SHA256 computed independently (node:crypto), hex, v1= prefix', async () => {
    const { createHmac } = await import('node:crypto');
    const hex = createHmac('sha256', 's1').update(`${ts}.j1:1:abc.${body}`).digest('hex');
    expect(await sign('s1', ts, 'j1:1:abc', body)).toBe(`v1=${hex}`);
  });

  it('verifies a good signature and refuses a forged one, a wrong secret, a changed body', async () => {
    const sig = await sign('s1', ts, 'j1:1:abc', body);
    expect(await check(sig)).toEqual({ ok: true, timestamp: ts, deliveryId: 'j1:1:abc' });
    expect(await check(sig.replace(/.$/, (c) => (c === '0' ? '1' : '0'))).then((r) => r.ok)).toBe(false);
    expect(await check(sig, { secrets: ['other'] })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(await check(sig, { body: `${body} ` })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(await check(sig, { id: 'j1:1:abd' })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('accepts any of several secrets (rotation), and a header with several v1= values', async () => {
    const old = await sign('old', ts, 'j1:1:abc', body);
    expect((await check(old, { secrets: ['new', 'old'] })).ok).toBe(true);
    const both = await sign(['new', 'old'], ts, 'j1:1:abc', body);
    expect(both.split(',')).toHaveLength(2);
    expect((await check(both, { secrets: ['old'] })).ok).toBe(true);
    expect((await check(both, { secrets: ['new'] })).ok).toBe(true);
  });

  it('refuses a stale (or far future) timestamp: 5 minutes by default', async () => {
    const sig = await sign('s1', ts, 'j1:1:abc', body);
    expect((await check(sig, { at: now + 299_000 })).ok).toBe(true);
    expect(await check(sig, { at: now + 301_000 })).toMatchObject({ ok: false, reason: 'stale' });
    expect(await check(sig, { at: now - 301_000 })).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('refuses missing and malformed headers', async () => {
    expect(await check(null)).toMatchObject({ ok: false, reason: 'missing' });
    expect(await check('v2=abcd')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(await check('v1=zz')).toMatchObject({ ok: false, reason: 'malformed' });
    const sig = await sign('s1', ts, 'j1:1:abc', body);
    expect(await check(sig, { id: 'a.b' })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(isDeliveryId('job-1:2:ff')).toBe(true);
    expect(isDeliveryId('a.b')).toBe(false);
    await expect(sign('s1', ts, 'a.b', body)).rejects.toThrow(/invalid delivery id/);
  });

  it('constantTimeEqual compares whole strings, lengths included', () => {
    const b = (...x: number[]) => new Uint8Array(x);
    expect(constantTimeEqual(b(1, 2, 3), b(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(b(1, 2, 3), b(1, 2, 4))).toBe(false);
    expect(constantTimeEqual(b(9, 2, 3), b(1, 2, 3))).toBe(false);
    expect(constantTimeEqual(b(1, 2), b(1, 2, 0))).toBe(false);
    expect(constantTimeEqual(b(), b())).toBe(true);
  });
});
