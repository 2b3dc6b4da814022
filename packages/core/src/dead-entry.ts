/**
 * The dead-letter entry format, written in one place: {@link deadEntryFields} encodes the entry the dead-letter
 * script writes (a failed, invalid or poison job; the script adds `deadAt` and `entryId`), {@link lostEntryFields}
 * the tombstone of an entry trimmed while pending, and promote-due writes the same fields from Lua for a delayed
 * member it cannot promote (its source takes the names from here). {@link decodeDeadEntry} reads any of them,
 * and entries written by earlier versions, into a typed {@link DeadJob}.
 *
 * Fields: the job's own (`id name data attempt enqueuedAt trace key`, kept in full: redrive puts them back),
 * `reason error stack attempts failedAt firstFailedAt deadAt entryId`, for an invalid delayed member its text as
 * `member`, and for a malformed entry its other fields, bounded ({@link MAX_OTHER_FIELDS} fields of at most
 * {@link MAX_OTHER_CHARS} characters) with a `truncated` note saying what was cut.
 */
import type { StreamEntry } from './commands/types.js';
import { entryIdMs, type JobEnvelope } from './job.js';

/** Why a job was dead-lettered by a worker. */
export type DeadReason = 'failed' | 'unrecoverable' | 'invalid' | 'poison' | 'no-handler' | 'rejected';

/** The reason of a dead-letter entry: a {@link DeadReason}, or `lost` (a tombstone: the entry was trimmed while pending). */
export type DeadEntryReason = DeadReason | 'lost';

/** What goes into a dead-letter entry beside the job's own fields. */
export interface DeadLetter {
  /** The job's fields as read (the envelope, or whatever a malformed entry held; other fields are bounded). */
  fields: Record<string, string>;
  /** Why. */
  reason: DeadReason;
  /** Error message. */
  error: string;
  /** Stack trace, bounded by the caller. */
  stack?: string | undefined;
  /** Attempts made. */
  attempts: number;
  /** Epoch ms of the first failure (default: `failedAt`). */
  firstFailedAt?: number | undefined;
  /** Epoch ms of this failure. */
  failedAt: number;
}

/** The job fields of a dead-letter entry (what a malformed entry lacks is absent). */
export type DeadJobFields = Partial<
  Pick<JobEnvelope, 'id' | 'name' | 'data' | 'attempt' | 'enqueuedAt' | 'trace' | 'key' | 'group'>
> & { lane?: string | undefined };

/** A dead-letter entry, decoded. */
export interface DeadJob {
  /** Entry id in the dead-letter stream. */
  deadId: string;
  /** Why it was dead-lettered (an unknown text is kept as written). */
  reason: DeadEntryReason | (string & {});
  /** The error message ('' when the entry has none). */
  error: string;
  /** Stack trace, when the handler threw. */
  stack?: string | undefined;
  /** Attempts made (an entry written before `attempts` existed: its `attempt`). */
  attempts?: number | undefined;
  /** Epoch ms of the failure that dead-lettered it. */
  failedAt?: number | undefined;
  /** Epoch ms of the job's first failure. */
  firstFailedAt?: number | undefined;
  /** Epoch ms it was dead-lettered (the `deadAt` field, else the time in `deadId`). */
  deadAt: number;
  /** The stream entry id the job had (absent for a delayed member). */
  entryId?: string | undefined;
  /** The job's own fields. */
  job: DeadJobFields;
  /** Whether redrive can put it back: it has a job id, name and payload. */
  redrivable: boolean;
  /** The text of a delayed-set member that could not be promoted (bounded). */
  member?: string | undefined;
  /** Other fields a malformed entry held (bounded). */
  other: Record<string, string>;
  /** What was cut when the entry was written (too many or too long other fields, a long member), if anything. */
  truncated?: string | undefined;
}

/** The job fields a dead entry keeps in full, in this order. */
export const JOB_FIELDS = ['id', 'name', 'data', 'attempt', 'enqueuedAt', 'trace', 'key', 'lane', 'group'] as const;
/** The fields of the format itself (never copied from a job's entry). */
const META = ['reason', 'error', 'stack', 'attempts', 'failedAt', 'firstFailedAt', 'deadAt', 'entryId'] as const;
const JOB = new Set<string>(JOB_FIELDS);
const OWN = new Set<string>([...META, 'member', 'truncated']);

/** Most other fields of a malformed entry copied into its dead entry. */
export const MAX_OTHER_FIELDS = 32;
/** Longest other field name or value copied (characters); longer values are cut, longer names dropped. */
export const MAX_OTHER_CHARS = 1024;
/** Longest text of an invalid delayed member copied (bytes). */
export const MAX_MEMBER_BYTES = 4096;

/** The fields of a worker's dead-letter entry, flat and bounded (the dead-letter script adds deadAt and entryId). */
export function deadEntryFields(dl: DeadLetter): string[] {
  const f: string[] = [];
  let others = 0;
  let kept = 0;
  let cut = 0;
  for (const [k, v] of Object.entries(dl.fields)) {
    if (JOB.has(k)) f.push(k, v);
    else if (!OWN.has(k)) {
      others++;
      if (kept >= MAX_OTHER_FIELDS || k.length > MAX_OTHER_CHARS) continue;
      kept++;
      if (v.length > MAX_OTHER_CHARS) cut++;
      f.push(k, v.length > MAX_OTHER_CHARS ? v.slice(0, MAX_OTHER_CHARS) : v);
    }
  }
  f.push('reason', dl.reason, 'error', dl.error, 'attempts', String(dl.attempts), 'failedAt', String(dl.failedAt));
  if (dl.stack) f.push('stack', dl.stack);
  f.push('firstFailedAt', String(dl.firstFailedAt ?? dl.failedAt));
  if (kept < others || cut > 0) {
    const what = [
      kept < others ? `kept ${kept} of ${others} other fields` : '',
      cut ? `${cut} cut to ${MAX_OTHER_CHARS} characters` : '',
    ];
    f.push('truncated', what.filter(Boolean).join('; '));
  }
  return f;
}

/** The tombstone of entry `entryId`, deleted from the stream (trimmed) while pending: its payload is gone. */
export function lostEntryFields(entryId: string, deadAt: number): string[] {
  const error = `entry ${entryId} was deleted from the stream (trimmed?) while pending; its payload is gone`;
  return ['reason', 'lost', 'error', error, 'entryId', entryId, 'deadAt', String(deadAt)];
}

const int = (v: string | undefined): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
};

/** Decode a dead-letter entry (any version of the format). Never throws. */
export function decodeDeadEntry(e: StreamEntry): DeadJob {
  const f = e.fields;
  const job: DeadJobFields = {};
  for (const k of ['id', 'name', 'data', 'trace', 'key', 'lane', 'group'] as const)
    if (f[k] !== undefined) job[k] = f[k];
  // a fresh job's entry has no attempt (1) and maybe no enqueuedAt (its entry id's ms): job.ts envelopeFields
  const fresh = f.name !== undefined && f.attempt === undefined;
  const attempt = fresh ? 1 : int(f.attempt);
  const enqueuedAt =
    f.enqueuedAt === undefined ? (fresh ? entryIdMs(f.id ?? f.entryId) : undefined) : int(f.enqueuedAt);
  if (attempt !== undefined) job.attempt = attempt;
  if (enqueuedAt !== undefined) job.enqueuedAt = enqueuedAt;
  const other: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (!JOB.has(k) && !OWN.has(k)) other[k] = v;
  const deadAt = int(f.deadAt);
  return {
    deadId: e.id,
    reason: f.reason ?? '',
    error: f.error ?? '',
    stack: f.stack,
    attempts: int(f.attempts) ?? attempt,
    failedAt: int(f.failedAt),
    firstFailedAt: int(f.firstFailedAt),
    deadAt: deadAt !== undefined && deadAt > 0 ? deadAt : Number(e.id.split('-')[0]),
    entryId: f.entryId,
    job,
    redrivable: Boolean(job.id && job.name && job.data !== undefined),
    member: f.member,
    other,
    truncated: f.truncated,
  };
}
