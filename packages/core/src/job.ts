/**
 * The job envelope and its encodings: the flat field list of a stream entry, and the JSON member of the
 * delayed set (which promote-due turns back into stream fields inside Lua; `data` stays a string there, so
 * cjson never re-encodes the payload).
 */
import { NAMED_DATA_MARK, TRACE_MARK } from './commands/reply.js';
import { JobValidationError } from './errors.js';
import { LANES, type Lane } from './keys.js';

/** A job as it travels through Redis. Every value is a string on the wire. */
export interface JobEnvelope {
  /** Stable job id, kept across retries. */
  id: string;
  /** Job name (selects the handler). */
  name: string;
  /** JSON payload, as text. */
  data: string;
  /** 1-based attempt this delivery is. */
  attempt: number;
  /** Epoch ms of the first enqueue. */
  enqueuedAt: number;
  /** W3C traceparent. */
  trace?: string | undefined;
  /** Idempotency key it was enqueued with. */
  key?: string | undefined;
  /** Epoch ms of the first failed attempt. */
  firstFailedAt?: number | undefined;
  /** The lane it runs in (`high`, `low`, `fair`); absent = the default stream (priority normal). */
  lane?: Lane | undefined;
  /** Its fair group key (lane `fair`). */
  group?: string | undefined;
}

/**
 * A new job id for a job that has no stream entry yet (a delayed or cron job): a random UUID, from the global Web
 * Crypto object (loaded on first use; a static import of node:crypto is paid by every cold start).
 */
export const newJobId = (): string => crypto.randomUUID();

/**
 * Stream entry fields of an envelope, as a flat `[field, value, ...]` list. `withId` (default true): false for a
 * job added straight to the stream (a fresh entry), whose job id is then its entry id (decodeEnvelope's
 * `entryId`); such an entry carries its name and payload as one pair `<U+001F><job name> <data>` (a traced job:
 * `<U+001F><job name><U+001E><traceparent> <data>`)
 * (NAMED_DATA_MARK: every reader's toFields turns it back into `name` and `data`), leaves out `attempt` when it
 * is 1, and `enqueuedAt` unless `keepTime` (default true): the entry id's ms is then its enqueue time
 * (docs/decisions.md, "Fresh entries carry two fields" and "one field pair").
 */
export function envelopeFields(env: JobEnvelope, withId = true, keepTime = true): string[] {
  let f: string[];
  if (withId) {
    f = ['id', env.id, 'name', env.name, 'data', env.data, 'attempt', String(env.attempt)];
    f.push('enqueuedAt', String(env.enqueuedAt));
    if (env.trace !== undefined) f.push('trace', env.trace);
  } else {
    // a traced job keeps one pair too: its traceparent follows the name in the key (reply.ts TRACE_MARK)
    const key =
      env.trace === undefined ? NAMED_DATA_MARK + env.name : NAMED_DATA_MARK + env.name + TRACE_MARK + env.trace;
    f = [key, env.data];
    if (env.attempt !== 1) f.push('attempt', String(env.attempt));
    if (keepTime) f.push('enqueuedAt', String(env.enqueuedAt));
  }
  if (env.key !== undefined) f.push('key', env.key);
  if (env.firstFailedAt !== undefined) f.push('firstFailedAt', String(env.firstFailedAt));
  if (env.lane !== undefined) f.push('lane', env.lane);
  if (env.group !== undefined) f.push('group', env.group);
  return f;
}

/** The delayed-set member of an envelope: a JSON object of string fields (unique, since it holds the id). */
export function envelopeMember(env: JobEnvelope): string {
  const f = envelopeFields(env);
  const o: Record<string, string> = {};
  for (let i = 0; i < f.length; i += 2) o[f[i] as string] = f[i + 1] as string;
  return JSON.stringify(o);
}

/** Result of decoding a stream entry: the envelope, or why it cannot run. */
export type DecodedEnvelope =
  | { ok: true; job: JobEnvelope }
  | { ok: false; reason: string; partial: Partial<JobEnvelope> };

/** A non-negative decimal integer field, or undefined (no regex: this runs for every job read). */
function intField(v: string | undefined): number | undefined {
  if (v === undefined || v.length === 0 || v.length > 16) return undefined;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(v);
}

const present = (v: string | undefined): v is string => typeof v === 'string' && v !== '';

/**
 * The ms part of an entry id (`<ms>-<seq>`), or undefined when `id` is not one (a job id of its own). A fresh
 * entry's enqueue time (it carries no `enqueuedAt`: envelopeFields).
 */
export function entryIdMs(id: string | undefined): number | undefined {
  if (id === undefined) return undefined;
  const d = id.indexOf('-');
  return d > 0 && id.indexOf('-', d + 1) < 0 && intField(id.slice(d + 1)) !== undefined
    ? intField(id.slice(0, d))
    : undefined;
}

/**
 * Decode the fields of a stream entry. Never throws: a malformed entry comes back with the reason. The job id is
 * the `id` field, or else `entryId` (a job added straight to the stream has no `id` field: its entry id is its id).
 * A fresh entry leaves out `attempt` (1) and `enqueuedAt` (its entry id's ms); entries of earlier releases carry
 * both, and a field that is present must be valid.
 */
export function decodeEnvelope(fields: Record<string, string>, entryId?: string): DecodedEnvelope {
  const id = fields.id ?? entryId;
  const partial: Partial<JobEnvelope> = {
    id,
    name: fields.name,
    data: fields.data,
    attempt: fields.attempt === undefined ? 1 : intField(fields.attempt),
    enqueuedAt: fields.enqueuedAt === undefined ? entryIdMs(entryId ?? id) : intField(fields.enqueuedAt),
    trace: fields.trace,
    key: fields.key,
    firstFailedAt: intField(fields.firstFailedAt),
    lane: (LANES as readonly string[]).includes(fields.lane ?? '') ? (fields.lane as Lane) : undefined,
    group: fields.group,
  };
  const { attempt } = partial;
  if (present(id) && present(fields.name) && present(fields.data) && attempt !== undefined && attempt >= 1) {
    partial.enqueuedAt ??= 0;
    return { ok: true, job: partial as JobEnvelope };
  }
  const missing = ['id', 'name', 'data'].filter((k) => !present(k === 'id' ? id : fields[k]));
  if (missing.length) return { ok: false, reason: `malformed entry: missing field(s) ${missing.join(', ')}`, partial };
  return {
    ok: false,
    reason: `malformed entry: attempt must be an integer >= 1; got ${JSON.stringify(fields.attempt)}`,
    partial,
  };
}

/** JSON text of a payload; throws {@link JobValidationError} when it is not JSON or is over `maxBytes`. */
export function encodePayload(job: string, payload: unknown, maxBytes: number): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (e) {
    throw new JobValidationError(job, [
      { path: '', message: `payload is not JSON-serialisable: ${(e as Error).message}` },
    ]);
  }
  if (text === undefined) {
    throw new JobValidationError(job, [{ path: '', message: `payload is not JSON-serialisable (${typeof payload})` }]);
  }
  const size = text.length > maxBytes / 3 ? Buffer.byteLength(text) : text.length;
  if (size > maxBytes) {
    throw new JobValidationError(job, [
      { path: '', message: `payload is ${size} bytes of JSON, over the limit of ${maxBytes} bytes (maxPayloadBytes)` },
    ]);
  }
  return text;
}
