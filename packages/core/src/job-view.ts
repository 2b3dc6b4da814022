/**
 * The operator's view of one job, as getJob and listJobs return it, and how it is decoded from a stream entry,
 * a delayed member, a dead entry or a cancelled record.
 */

import { setField } from './commands/reply.js';
import type { StreamFields } from './commands/types.js';
import type { DeadJob } from './dead-entry.js';
import { entryIdMs } from './job.js';

/** Where a job is; `completed` only for jobs kept by retention (`keep.completed`). */
export type JobState = 'ready' | 'running' | 'delayed' | 'dead' | 'cancelled' | 'completed';

/** A job as the inspection API shows it. */
export interface JobInfo {
  /** The job id (the one enqueue returned). */
  id: string;
  /** Where it is. */
  state: JobState;
  /** Job name ('' when the entry has none). */
  name: string;
  /** Payload as JSON text ('' when the entry has none). */
  data: string;
  /** 1-based attempt it is on (or was on). */
  attempt: number | null;
  /** Epoch ms of the first enqueue. */
  enqueuedAt: number | null;
  /** Epoch ms of its first failed attempt, when one failed. */
  firstFailedAt?: number | undefined;
  /** Idempotency key it was enqueued with. */
  key?: string | undefined;
  /** Its priority when not normal (`high`, `low`). */
  priority?: 'high' | 'low' | undefined;
  /** Its fair group key, when it has one. */
  group?: string | undefined;
  /** Stream entry id (ready, running). */
  entryId?: string | undefined;
  /** Epoch ms it is due (delayed). */
  dueAt?: number | undefined;
  /** Running: the consumer holding it, ms since it last read/renewed (its lease age) and times delivered. */
  running?: { consumer: string; idleMs: number; deliveries: number; cancelRequestedAt?: number | undefined };
  /** Dead: the dead-letter entry (reason, error of the last attempt, stack, attempts). */
  dead?: DeadJob | undefined;
  /** Completed or kept failed: epoch ms it finished. */
  finishedAt?: number | undefined;
  /** Completed (kept): the handler's return value. */
  result?: unknown;
  /** Completed (kept): why its result was not stored (too large, not JSON). */
  resultError?: string | undefined;
  /** Kept failed job whose dead-letter entry is gone: its final error. */
  error?: string | undefined;
  /** Running: the progress its handler last reported (`ctx.progress`: a number 0-100 or a JSON object). */
  progress?: unknown;
  /** Cancelled: epoch ms it was cancelled and the state it was cancelled from. */
  cancelled?: { at: number; from: string } | undefined;
}

const num = (v: string | undefined): number | null => {
  const n = v === undefined || v === '' ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : null;
};

/**
 * A job's view from its fields (a stream entry's, a delayed member's or a cancelled record's). `entryId` (default
 * none): the stream entry's id, the job's id when the entry has no `id` field.
 */
export function jobFromFields(state: JobState, f: StreamFields, entryId?: string): JobInfo {
  const firstFailedAt = num(f.firstFailedAt) ?? undefined;
  return {
    id: f.id ?? entryId ?? '',
    state,
    name: f.name ?? '',
    data: f.data ?? '',
    // a fresh entry (and what was copied from one) has no attempt (1) and maybe no enqueuedAt (its entry id's ms)
    attempt: f.attempt === undefined ? 1 : num(f.attempt),
    enqueuedAt: f.enqueuedAt === undefined ? (entryIdMs(f.id ?? entryId) ?? null) : num(f.enqueuedAt),
    ...(firstFailedAt !== undefined ? { firstFailedAt } : {}),
    ...(f.key !== undefined ? { key: f.key } : {}),
    ...(f.lane === 'high' || f.lane === 'low' ? { priority: f.lane } : {}),
    ...(f.group !== undefined ? { group: f.group } : {}),
  };
}

/** A job's view from its dead entry. */
export function jobFromDead(d: DeadJob): JobInfo {
  return {
    id: d.job.id ?? '',
    state: 'dead',
    name: d.job.name ?? '',
    data: d.job.data ?? '',
    attempt: d.job.attempt ?? null,
    enqueuedAt: d.job.enqueuedAt ?? null,
    ...(d.firstFailedAt !== undefined ? { firstFailedAt: d.firstFailedAt } : {}),
    ...(d.job.key !== undefined ? { key: d.job.key } : {}),
    ...(d.job.lane === 'high' || d.job.lane === 'low' ? { priority: d.job.lane } : {}),
    ...(d.job.group !== undefined ? { group: d.job.group } : {}),
    dead: d,
  };
}

/** The fields of a delayed member, a kept or a cancelled record (a JSON object of strings), or null when it is not one. */
export function memberFields(member: string): StreamFields | null {
  try {
    const o: unknown = JSON.parse(member);
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return null;
    const out: StreamFields = {};
    // a kept or cancelled record copies a fresh entry's fields: its `<mark><job name>` pair is name and data
    for (const [k, v] of Object.entries(o)) if (typeof v === 'string') setField(out, k, v);
    return out;
  } catch {
    return null;
  }
}

/** Whether a job matches a name filter and a search text (id, name or payload contains it). */
export function jobMatches(j: JobInfo, name: string | undefined, search: string | undefined): boolean {
  if (name !== undefined && j.name !== name) return false;
  if (search === undefined || search === '') return true;
  return j.id.includes(search) || j.name.includes(search) || j.data.includes(search);
}
