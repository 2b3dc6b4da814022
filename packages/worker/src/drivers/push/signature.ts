/**
 * Signatures of pushed jobs (docs/push.md): HMAC-SHA256 over `${timestamp}.${deliveryId}.${body}` with Web
 * Crypto (`crypto.subtle`), so the same code signs in Node and verifies on edge runtimes, Bun and Deno. Pure:
 * no Node-only module, no Redis. Comparison is constant-time; several secrets are accepted (rotation).
 */

/** Header carrying `v1=<hex hmac>` (several comma-separated while a sender rotates secrets). */
export const SIGNATURE_HEADER = 'sluice-signature';
/** Header carrying the signing time in unix seconds. */
export const TIMESTAMP_HEADER = 'sluice-timestamp';
/** Header carrying the delivery id, unique per delivery (the replay key). */
export const DELIVERY_HEADER = 'sluice-delivery';
/** Signature scheme version prefix. */
export const SIGNATURE_VERSION = 'v1';
/** Default tolerance between the signing time and the receiver's clock, in seconds (5 minutes). */
export const DEFAULT_TOLERANCE_SEC = 300;

/** Delivery ids: 1-200 characters of `A-Z a-z 0-9 : _ -` (no `.`, so the base string splits one way only). */
const DELIVERY_ID = /^[A-Za-z0-9:_-]{1,200}$/;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    if (keys.size > 32) keys.clear();
    keys.set(secret, k);
  }
  return k;
}

const asBytes = (body: string | Uint8Array): Uint8Array => (typeof body === 'string' ? encoder.encode(body) : body);

/** True when `id` is a valid delivery id (see {@link DELIVERY_HEADER}). */
export const isDeliveryId = (id: string): boolean => DELIVERY_ID.test(id);

/** The bytes that are signed: `${timestamp}.${deliveryId}.` followed by the exact body bytes. */
export function signatureBase(
  timestamp: number,
  deliveryId: string,
  body: string | Uint8Array,
): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(`${timestamp}.${deliveryId}.`);
  const b = asBytes(body);
  const out = new Uint8Array(head.length + b.length);
  out.set(head, 0);
  out.set(b, head.length);
  return out;
}

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');

function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

async function hmac(secret: string, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), data));
}

/** Compare two byte strings in time that depends only on their lengths (no early exit on the first difference). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** The header value `v1=<hex>` for a body, signed with each secret (first the newest), comma-separated. */
export async function sign(
  secrets: string | readonly string[],
  timestamp: number,
  deliveryId: string,
  body: string | Uint8Array,
): Promise<string> {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new TypeError('sign: give at least one secret');
  if (!isDeliveryId(deliveryId)) throw new TypeError(`sign: invalid delivery id ${JSON.stringify(deliveryId)}`);
  const base = signatureBase(timestamp, deliveryId, body);
  const sigs = await Promise.all(list.map(async (s) => `${SIGNATURE_VERSION}=${toHex(await hmac(s, base))}`));
  return sigs.join(',');
}

/** What {@link verifySignature} needs. */
export interface VerifyInput {
  /** Accepted secrets (any may match: rotation). */
  secrets: readonly string[];
  /** The `sluice-signature` header (null when missing). */
  signature: string | null;
  /** The `sluice-timestamp` header (null when missing). */
  timestamp: string | null;
  /** The `sluice-delivery` header (null when missing). */
  deliveryId: string | null;
  /** The exact body bytes (or text) received. */
  body: string | Uint8Array;
  /** Receiver's clock, epoch ms (default `Date.now()`). */
  now?: number;
  /** Largest accepted age (or clock skew ahead) of the timestamp, in seconds (default 300). */
  toleranceSec?: number;
}

/** Why a signature was refused. */
export type VerifyFailure = 'missing' | 'malformed' | 'stale' | 'mismatch';

/** Result of {@link verifySignature}: the timestamp and delivery id when valid. */
export type VerifyResult =
  | { ok: true; timestamp: number; deliveryId: string }
  | { ok: false; reason: VerifyFailure; message: string };

/** Check headers, timestamp window and signature (constant-time, every secret against every `v1=` value). */
export async function verifySignature(v: VerifyInput): Promise<VerifyResult> {
  if (!v.signature || !v.timestamp || !v.deliveryId) {
    return {
      ok: false,
      reason: 'missing',
      message: `missing ${SIGNATURE_HEADER}, ${TIMESTAMP_HEADER} or ${DELIVERY_HEADER} header`,
    };
  }
  if (!/^\d{1,12}$/.test(v.timestamp) || !isDeliveryId(v.deliveryId)) {
    return { ok: false, reason: 'malformed', message: 'malformed timestamp or delivery id header' };
  }
  const ts = Number(v.timestamp);
  const skew = Math.abs((v.now ?? Date.now()) / 1000 - ts);
  const tolerance = v.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  if (skew > tolerance) {
    return {
      ok: false,
      reason: 'stale',
      message: `timestamp is ${Math.round(skew)} s away from now (tolerance ${tolerance} s)`,
    };
  }
  const given = v.signature
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.startsWith(`${SIGNATURE_VERSION}=`))
    .map((p) => fromHex(p.slice(SIGNATURE_VERSION.length + 1)))
    .filter((b): b is Uint8Array => b !== undefined);
  if (given.length === 0) return { ok: false, reason: 'malformed', message: `no ${SIGNATURE_VERSION}= signature` };
  const base = signatureBase(ts, v.deliveryId, v.body);
  let match = false;
  for (const secret of v.secrets) {
    const expected = await hmac(secret, base);
    for (const g of given) match = constantTimeEqual(expected, g) || match;
  }
  if (!match) return { ok: false, reason: 'mismatch', message: 'signature does not match any accepted secret' };
  return { ok: true, timestamp: ts, deliveryId: v.deliveryId };
}
