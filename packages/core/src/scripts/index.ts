/**
 * Typed wrappers of the Lua scripts: one per state transition (DESIGN.md). Every argument is a string built
 * here; negative codes map to {@link LeaseLost}.
 */
import type { RedisExecutor } from '../connection.js';
import { isLeaseLost, LeaseLost } from '../errors.js';
import { envelopeFields, type JobEnvelope } from '../job.js';
import { GROUP, type QueueKeys } from '../keys.js';
import ackSrc from './ack.lua.js';
import cronTickSrc from './cron-tick.lua.js';
import deadLetterSrc from './dead-letter.lua.js';
import enqueueSrc from './enqueue.lua.js';
import finishMarkerSrc from './finish-marker.lua.js';
import { LuaScript } from './lua-script.js';
import promoteDueSrc from './promote-due.lua.js';
import reapConsumerSrc from './reap-consumer.lua.js';
import redriveSrc from './redrive.lua.js';
import renewSrc from './renew.lua.js';
import retryLaterSrc from './retry-later.lua.js';

/** Every script, by name. */
export const SCRIPTS = {
  ack: new LuaScript('ack', ackSrc),
  cronTick: new LuaScript('cron-tick', cronTickSrc),
  deadLetter: new LuaScript('dead-letter', deadLetterSrc),
  enqueue: new LuaScript('enqueue', enqueueSrc),
  finishMarker: new LuaScript('finish-marker', finishMarkerSrc),
  promoteDue: new LuaScript('promote-due', promoteDueSrc),
  reapConsumer: new LuaScript('reap-consumer', reapConsumerSrc),
  redrive: new LuaScript('redrive', redriveSrc),
  renew: new LuaScript('renew', renewSrc),
  retryLater: new LuaScript('retry-later', retryLaterSrc),
} as const;

/** The lease token of a delivery: the entry id and the delivery count the caller was handed. */
export interface Delivery {
  /** Stream entry id (the delivery handle). */
  entryId: string;
  /** Times delivered when the caller got it (1 for a `>` read; XPENDING's count after a claim). */
  deliveries: number;
}

/** Outcome of a fenced transition: done, or the lease was lost and nothing changed. */
export type Fenced<T = object> = ({ ok: true } & T) | { ok: false; lost: LeaseLost };

const code = (raw: unknown): number => Number(raw);
/**
 * The one rule for a fenced call that was sent again after a transient failure (`retried`): an answer of
 * "not pending" means the first try landed and only its reply was lost, so it counts as done.
 */
const landed = (c: number, retried: boolean): boolean => c === 1 || (retried && c === LeaseLost.NotPending);
const lost = (c: number): { ok: false; lost: LeaseLost } => ({
  ok: false,
  lost: isLeaseLost(c) ? c : LeaseLost.NotPending,
});
const pairs = (ds: readonly Delivery[]): string[] => {
  const out = new Array<string>(ds.length * 2);
  for (let i = 0; i < ds.length; i++) {
    const d = ds[i] as Delivery;
    out[2 * i] = d.entryId;
    out[2 * i + 1] = String(d.deliveries);
  }
  return out;
};

/** Where an enqueue put the job. */
export type EnqueueMode = { mode: 'now' } | { mode: 'delay'; ms: number } | { mode: 'at'; epochMs: number };

/** Run the enqueue script (idempotency key and/or delay). Returns the job id and whether it was a duplicate. */
export async function runEnqueue(
  exec: RedisExecutor,
  keys: QueueKeys,
  env: JobEnvelope,
  when: EnqueueMode,
  dedup?: { key: string; ttlMs: number },
): Promise<{ id: string; deduplicated: boolean }> {
  const ks = [keys.stream, keys.delayed, keys.wakes, ...(dedup ? [keys.dedup(dedup.key)] : [])];
  const ms = when.mode === 'delay' ? when.ms : when.mode === 'at' ? when.epochMs : 0;
  const args = [
    when.mode,
    String(Math.round(ms)),
    String(Math.round(dedup?.ttlMs ?? 0)),
    env.id,
    ...envelopeFields(env),
  ];
  const r = (await SCRIPTS.enqueue.run(exec, ks, args)) as [string, number];
  return { id: String(r[0]), deduplicated: code(r[1]) === 1 };
}

/**
 * Finish deliveries (fenced XACK + XDEL). One result per delivery, in order. `retried` (default false): this call
 * repeats one whose reply was lost, so "not pending" counts as done.
 */
export async function ackDeliveries(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
  retried = false,
): Promise<Fenced[]> {
  return fencedBatch(SCRIPTS.ack, exec, keys, consumer, ds, retried);
}

/** Run a batched fenced script (ack, renew) over `ds`: one result per delivery. */
async function fencedBatch(
  script: LuaScript,
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
  retried: boolean,
): Promise<Fenced[]> {
  if (ds.length === 0) return [];
  const r = (await script.run(exec, [keys.stream], [GROUP, consumer, ...pairs(ds)])) as unknown[];
  return r.map((c) => (landed(code(c), retried) ? { ok: true } : lost(code(c))));
}

/** Finish a `wake` marker entry (not fenced: it carries no work). True when this call removed it. */
export async function finishMarker(exec: RedisExecutor, keys: QueueKeys, entryId: string): Promise<boolean> {
  return code(await SCRIPTS.finishMarker.run(exec, [keys.stream, keys.wakes], [GROUP, entryId])) === 1;
}

/** True for a `wake` marker entry (added when a delayed job became the earliest due; not a job). */
export const isWakeMarker = (fields: Record<string, string>): boolean =>
  fields.wake !== undefined && fields.id === undefined;

/** Extend the lease of deliveries still owned (one fenced XCLAIM JUSTID). One result per delivery. */
export async function renewLeases(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
): Promise<Fenced[]> {
  return fencedBatch(SCRIPTS.renew, exec, keys, consumer, ds, false);
}

/**
 * Put a failed job back for attempt `next.attempt` after `delayMs` (0 = onto the stream at once). Fenced.
 * `retried` (default false): this call repeats one whose reply was lost, so "not pending" counts as done (with
 * `dueAt` unknown).
 */
export async function retryLater(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  delayMs: number,
  next: JobEnvelope,
): Promise<Fenced<{ dueAt: number }>>;
export async function retryLater(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  delayMs: number,
  next: JobEnvelope,
  retried: boolean,
): Promise<Fenced<{ dueAt: number | undefined }>>;
export async function retryLater(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  delayMs: number,
  next: JobEnvelope,
  retried = false,
): Promise<Fenced<{ dueAt: number | undefined }>> {
  const args = [GROUP, consumer, d.entryId, String(d.deliveries), String(Math.max(0, Math.round(delayMs)))];
  const r = (await SCRIPTS.retryLater.run(
    exec,
    [keys.stream, keys.delayed, keys.wakes],
    [...args, ...envelopeFields(next)],
  )) as unknown[];
  if (code(r[0]) === 1) return { ok: true, dueAt: code(r[1]) };
  return landed(code(r[0]), retried) ? { ok: true, dueAt: undefined } : lost(code(r[0]));
}

/** Why a job was dead-lettered. */
export type DeadReason = 'failed' | 'unrecoverable' | 'invalid' | 'poison' | 'no-handler' | 'rejected';

/** What goes into a dead-letter entry beside the job's own fields. */
export interface DeadLetter {
  /** The job's fields as read (the envelope, or whatever a malformed entry held). */
  fields: Record<string, string>;
  /** Why. */
  reason: DeadReason;
  /** Error message. */
  error: string;
  /** Stack trace, bounded by the caller. */
  stack?: string | undefined;
  /** Attempts made. */
  attempts: number;
  /** Epoch ms of the first failure (if known). */
  firstFailedAt?: number | undefined;
  /** Epoch ms of this failure. */
  failedAt: number;
}

const RESERVED = new Set(['reason', 'error', 'stack', 'attempts', 'firstFailedAt', 'failedAt', 'deadAt', 'entryId']);

/**
 * Move a job to the dead-letter stream with its reason. Fenced. `retried` (default false): this call repeats one
 * whose reply was lost, so "not pending" counts as done (with `deadId` unknown).
 */
export async function deadLetter(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  dl: DeadLetter,
): Promise<Fenced<{ deadId: string }>>;
export async function deadLetter(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  dl: DeadLetter,
  retried: boolean,
): Promise<Fenced<{ deadId: string | undefined }>>;
export async function deadLetter(
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  d: Delivery,
  dl: DeadLetter,
  retried = false,
): Promise<Fenced<{ deadId: string | undefined }>> {
  const f: string[] = [];
  for (const [k, v] of Object.entries(dl.fields)) if (!RESERVED.has(k)) f.push(k, v);
  f.push('reason', dl.reason, 'error', dl.error, 'attempts', String(dl.attempts), 'failedAt', String(dl.failedAt));
  if (dl.stack) f.push('stack', dl.stack);
  f.push('firstFailedAt', String(dl.firstFailedAt ?? dl.failedAt));
  const args = [GROUP, consumer, d.entryId, String(d.deliveries), ...f];
  const r = (await SCRIPTS.deadLetter.run(exec, [keys.stream, keys.dead], args)) as unknown[];
  if (code(r[0]) === 1) return { ok: true, deadId: String(r[1]) };
  return landed(code(r[0]), retried) ? { ok: true, deadId: undefined } : lost(code(r[0]));
}

/** What one promote-due call did. */
export interface PromoteResult {
  /** Jobs moved onto the stream. */
  moved: number;
  /** Milliseconds until the next delayed job is due, or null when none waits. */
  nextDueInMs: number | null;
  /** Whether the queue is paused. */
  paused: boolean;
}

/** Move up to `limit` due delayed jobs onto the stream (server time). */
export async function promoteDue(exec: RedisExecutor, keys: QueueKeys, limit: number): Promise<PromoteResult> {
  const r = (await SCRIPTS.promoteDue.run(
    exec,
    [keys.stream, keys.delayed, keys.dead, keys.paused],
    [String(limit)],
  )) as unknown[];
  const wait = code(r[1]);
  return { moved: code(r[0]), nextDueInMs: wait < 0 ? null : wait, paused: code(r[2]) === 1 };
}

/** Move dead-letter entries back onto the stream with attempt 1. Returns how many moved. */
export async function redriveDead(exec: RedisExecutor, keys: QueueKeys, deadIds: readonly string[]): Promise<number> {
  if (deadIds.length === 0) return 0;
  return code(await SCRIPTS.redrive.run(exec, [keys.dead, keys.stream], deadIds));
}

/** Enqueue a cron tick unless some worker already did. True when this call enqueued it. */
export async function enqueueCronTick(
  exec: RedisExecutor,
  keys: QueueKeys,
  tickMs: number,
  ttlMs: number,
  env: JobEnvelope,
): Promise<boolean> {
  const args = [String(tickMs), String(Math.max(1, Math.round(ttlMs))), ...envelopeFields(env)];
  return code(await SCRIPTS.cronTick.run(exec, [keys.stream, keys.cron(env.name)], args)) === 1;
}

/** Delete `consumer` from the group if (and only if) its pending list is empty. True when deleted. */
export async function reapConsumer(exec: RedisExecutor, keys: QueueKeys, consumer: string): Promise<boolean> {
  return code(await SCRIPTS.reapConsumer.run(exec, [keys.stream], [GROUP, consumer])) === 1;
}
