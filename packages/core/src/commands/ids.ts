/**
 * Stream id checks. A stream id is `ms-seq` or `ms` (decimal digits, each part at most 2^64-1). Some arguments
 * also take special ids (`*`, `-`, `+`, `$`, `>`, `0`), an exclusive bound `(id` or XADD's `ms-*`.
 */
import { bad } from './args.js';

/** The special ids and id forms an argument may allow besides a plain `ms[-seq]` id. */
export type IdForm = '*' | '-' | '+' | '$' | '>' | '0' | '(' | 'ms-*';

const PART = /^\d{1,20}$/;
const MAX = 18446744073709551615n;

function partOk(p: string): boolean {
  return PART.test(p) && (p.length < 20 || BigInt(p) <= MAX);
}

function plainId(id: string): boolean {
  const dash = id.indexOf('-');
  if (dash < 0) return partOk(id);
  return partOk(id.slice(0, dash)) && partOk(id.slice(dash + 1));
}

/** True when `id` is a plain stream id: `ms` or `ms-seq`, digits only, each part at most 2^64-1. */
export function isStreamId(id: unknown): id is string {
  return typeof id === 'string' && plainId(id);
}

/** True when `id` is one of the forms in `allowed` or a plain stream id. */
export function isAllowedId(id: unknown, allowed: readonly IdForm[] = []): id is string {
  if (typeof id !== 'string') return false;
  if (plainId(id)) return true;
  if (id.length === 1 && id !== '(' && (allowed as readonly string[]).includes(id)) return true;
  if (allowed.includes('(') && id.startsWith('(')) return plainId(id.slice(1));
  if (allowed.includes('ms-*') && id.endsWith('-*')) return partOk(id.slice(0, -2));
  return false;
}

/**
 * Checks a stream id argument; `argName` names it in the message and `allowed` lists the special forms it
 * accepts (default none: only `ms` or `ms-seq`). Throws {@link SluiceArgumentError}.
 */
export function assertStreamId(id: unknown, argName: string, allowed: readonly IdForm[] = []): asserts id is string {
  if (isAllowedId(id, allowed)) return;
  const extra = allowed.map((f) => (f === '(' ? '(id' : f)).join(', ');
  bad(argName, `a stream id (ms or ms-seq)${extra ? ` or one of ${extra}` : ''}`, id);
}
