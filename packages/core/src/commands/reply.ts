/**
 * Shared reply helpers. Replies are raw: RESP3 (maps as plain objects or `Map`s) or RESP2 (maps as flat
 * `[k1, v1, k2, v2]` arrays); strings may be `Buffer`s when a client maps them so.
 */
import type { GroupReadEntry, StreamEntry, StreamFields } from './types.js';

/** The entry types, re-exported here for callers that import them with the helpers. */
export type { GroupReadEntry, StreamEntry, StreamFields, StreamRead } from './types.js';

/** A reply that does not have the shape the command documents (a client or server mismatch). */
export class UnexpectedReplyError extends Error {
  override name = 'UnexpectedReplyError';
}

/** Throws {@link UnexpectedReplyError} naming `what` and a preview of `raw`. */
export function unexpected(what: string, raw: unknown): never {
  let preview: string;
  try {
    preview = JSON.stringify(raw, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? String(raw);
  } catch {
    preview = String(raw);
  }
  throw new UnexpectedReplyError(`unexpected ${what} reply: ${preview.slice(0, 200)}`);
}

/** Sets an own enumerable property, also for the name `__proto__` (which plain assignment would swallow). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** A string reply (a `Buffer`/`Uint8Array` is decoded as UTF-8). */
export function str(raw: unknown, what = 'string'): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  return unexpected(what, raw);
}

/** A string reply or `null`. */
export function strOrNull(raw: unknown, what = 'string'): string | null {
  return raw === null || raw === undefined ? null : str(raw, what);
}

/** An integer reply: a number, a bigint or a decimal string (XPENDING gives consumer counts as strings). */
export function num(raw: unknown, what = 'integer'): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if ((typeof raw === 'string' || raw instanceof Uint8Array) && /^-?\d+$/.test(str(raw))) return Number(str(raw));
  return unexpected(what, raw);
}

/** An integer reply or `null`. */
export function numOrNull(raw: unknown, what = 'integer'): number | null {
  return raw === null || raw === undefined ? null : num(raw, what);
}

/** An array reply. */
export function arr(raw: unknown, what = 'array'): readonly unknown[] {
  return Array.isArray(raw) ? raw : unexpected(what, raw);
}

/**
 * The key/value pairs of a map reply, in reply order (duplicates kept): a RESP3 object or `Map`, a RESP2 flat
 * `[k, v, ...]` array, or an array of `[k, v]` pairs. A RESP3 object whose key was `__proto__` has that value
 * as its prototype (the client assigns it); an array prototype is recovered as the `__proto__` pair.
 */
export function pairsOf(raw: unknown, what = 'map'): [string, unknown][] {
  if (raw instanceof Map) return [...raw].map(([k, v]: [unknown, unknown]) => [str(k, what), v]);
  if (Array.isArray(raw)) {
    if (raw.length > 0 && Array.isArray(raw[0])) {
      return raw.map((p) => (Array.isArray(p) && p.length === 2 ? [str(p[0], what), p[1]] : unexpected(what, raw)));
    }
    if (raw.length % 2 !== 0) return unexpected(what, raw);
    const out: [string, unknown][] = [];
    for (let i = 0; i < raw.length; i += 2) out.push([str(raw[i], what), raw[i + 1]]);
    return out;
  }
  if (typeof raw !== 'object' || raw === null || raw instanceof Uint8Array) return unexpected(what, raw);
  const out: [string, unknown][] = Object.entries(raw);
  const proto: unknown = Object.getPrototypeOf(raw);
  if (Array.isArray(proto) && !Object.hasOwn(raw, '__proto__')) out.push(['__proto__', proto]);
  return out;
}

/** A map reply (RESP3 object/`Map` or RESP2 flat array) as a record; a repeated key keeps its last value. */
export function mapOrPairs(raw: unknown, what = 'map'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of pairsOf(raw, what)) setOwn(out, k, v);
  return out;
}

/**
 * The first character of a fresh entry's one field key: `<mark><job name>` holds the payload (job.ts envelopeFields).
 * A control character (U+001F), which no job name has (keys.ts assertJobName), so no other field key starts with it.
 */
export const NAMED_DATA_MARK = '\u001f';

/**
 * Separates the job name from the job's traceparent in a fresh entry's field key: `<mark><job name><U+001E><trace>`
 * (a traced job stays one pair). A control character, which no job name has.
 */
export const TRACE_MARK = '\u001e';

/**
 * Stores field `k` of an entry. The key `<mark><job name>` of a fresh entry (NAMED_DATA_MARK) is stored as its
 * `name` and `data` fields (and `trace`, after TRACE_MARK in the key), so every reader sees the same fields as for an entry of the older forms (job-view.ts
 * memberFields stores a kept or cancelled record's fields, copied from an entry, with it too). A field name
 * decoded from a reply is a fresh string: a keyed store with it hashes it and looks it up in V8's string table,
 * every time. The names of a job entry (core/job.ts) are stored with constant-name stores instead (a compare of a
 * few characters): about 3x cheaper per entry. Same result.
 */
export function setField(out: StreamFields, k: string, v: string): void {
  if (k.charCodeAt(0) === 31) {
    const t = k.indexOf(TRACE_MARK, 1);
    if (t < 0) out.name = k.slice(1);
    else {
      out.name = k.slice(1, t);
      out.trace = k.slice(t + 1);
    }
    out.data = v;
    return;
  }
  switch (k) {
    case 'name':
      out.name = v;
      break;
    case 'data':
      out.data = v;
      break;
    case 'attempt':
      out.attempt = v;
      break;
    case 'enqueuedAt':
      out.enqueuedAt = v;
      break;
    case 'id':
      out.id = v;
      break;
    default:
      out[k] = v;
  }
}

/**
 * An entry's field list `[f1, v1, ...]` as an object; a repeated field keeps its last value (the one-pair field
 * `<mark><job name>` sets `name` and `data`: setField).
 */
export function toFields(raw: unknown, what = 'entry fields'): StreamFields {
  const out: StreamFields = {};
  // Fast path (every read of a job): a flat [f, v, ...] list of strings, no `__proto__` field.
  if (Array.isArray(raw) && raw.length % 2 === 0) {
    let i = 0;
    for (; i < raw.length; i += 2) {
      const k: unknown = raw[i];
      const v: unknown = raw[i + 1];
      if (typeof k !== 'string' || typeof v !== 'string' || k === '__proto__') break;
      setField(out, k, v);
    }
    if (i === raw.length) return out;
  }
  for (const [k, v] of pairsOf(raw, what)) {
    if (k === '__proto__') setOwn(out, k, str(v, what));
    else setField(out, k, str(v, what));
  }
  return out;
}

/** One `[id, fields|null]` entry; a `null` entry (Redis < 7 for a deleted claim) gives `undefined`. */
function toGroupEntry(raw: unknown, what: string): GroupReadEntry | undefined {
  if (raw === null) return undefined;
  if (!Array.isArray(raw) || raw.length !== 2) return unexpected(what, raw);
  return { id: str(raw[0], what), fields: raw[1] === null ? null : toFields(raw[1], what) };
}

/** A list of entries `[[id, [f, v, ...]], ...]`; `null` entries are skipped, `[id, null]` ones are kept. */
export function toGroupEntries(raw: unknown, what = 'entries'): GroupReadEntry[] {
  const out: GroupReadEntry[] = [];
  for (const e of arr(raw, what)) {
    const entry = toGroupEntry(e, what);
    if (entry) out.push(entry);
  }
  return out;
}

/** A list of entries `[[id, [f, v, ...]], ...]` (`null` entries skipped; `[id, null]` is an error). */
export function toEntries(raw: unknown, what = 'entries'): StreamEntry[] {
  return toGroupEntries(raw, what).map((e) => (e.fields ? { id: e.id, fields: e.fields } : unexpected(what, raw)));
}

/** One entry or `null` (XINFO STREAM `first-entry` of an empty stream). */
export function toEntryOrNull(raw: unknown, what = 'entry'): StreamEntry | null {
  if (raw === null || raw === undefined) return null;
  const [entry] = toEntries([raw], what);
  return entry ?? null;
}

/** A list of ids. */
export function toIds(raw: unknown, what = 'ids'): string[] {
  return arr(raw, what).map((id) => str(id, what));
}
