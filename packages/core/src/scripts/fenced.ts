/**
 * What the fenced scripts share on the TypeScript side: the lease token a caller holds ({@link Delivery}), the
 * outcome type ({@link Fenced}), and the batched call of ack and renew. DESIGN.md, "Fencing".
 */
import type { RedisExecutor } from '../connection.js';
import { isLeaseLost, LeaseLost } from '../errors.js';
import { GROUP, type QueueKeys } from '../keys.js';
import type { LuaScript } from './lua-script.js';

/** The lease token of a delivery: the entry id and the delivery count the caller was handed. */
export interface Delivery {
  /** Stream entry id (the delivery handle). */
  entryId: string;
  /** Times delivered when the caller got it (1 for a `>` read; XPENDING's count after a claim). */
  deliveries: number;
  /**
   * The entry's `id` field, when it has one (default: none: the job's id is its entry id and it has no index
   * entry). Only a job that left its first place (retried, promoted, redriven, delayed, cron) has one; ack then
   * drops its index entry.
   */
  jobId?: string | undefined;
  /**
   * The concurrency slots the delivery holds (flow-start's `hold`: slots, waiting, ... key pairs), released by
   * the script that finishes, retries, dead-letters or hands it back. Default none (no flow control: nothing to
   * release, and those scripts do no flow work).
   */
  hold?: readonly string[] | undefined;
  /** True once the run reported progress (default false): its ack then removes the progress entry. */
  progressed?: boolean | undefined;
  /** Set when retention keeps the job once it succeeded (default: not kept): its ack goes through ack-keep. */
  keep?: KeepCompleted | undefined;
}

/** What retention keeps of a succeeded job: its limits and its encoded result (ack-keep's `encodeResult`). */
export interface KeepCompleted {
  /** Most kept per queue. */
  count: number;
  /** Ms a record lasts. */
  age: number;
  /** 'r' + the result's JSON, or 'e' + why it was not stored. */
  result: string;
}

/**
 * The KEYS tail that makes a finishing script release `d`'s slots: the delayed set, the lane streams (default,
 * high, fair, low: slot members name their lane, and a waiter handed the slot goes back onto its own lane), then
 * its hold pairs.
 */
export const releaseKeys = (keys: QueueKeys, d: Delivery): readonly string[] =>
  d.hold && d.hold.length > 0 ? [keys.delayed, ...laneStreamKeys(keys), ...d.hold] : [];

/** The default, high, fair and low streams of `keys`' queue, in that order (fc_member in lua-helpers.ts). */
export const laneStreamKeys = (keys: QueueKeys): string[] => [
  keys.inLane(undefined).stream,
  keys.inLane('high').stream,
  keys.inLane('fair').stream,
  keys.inLane('low').stream,
];

/** Outcome of a fenced transition: done, or the lease was lost and nothing changed. */
export type Fenced<T = object> = ({ ok: true } & T) | { ok: false; lost: LeaseLost };

/** The outcome "done" of a batched call, shared by every delivery of the batch (frozen: one object, not one per job). */
const DONE: Fenced = Object.freeze({ ok: true });

/** A script's integer reply as a number. */
export const code = (raw: unknown): number => Number(raw);

/**
 * The one rule for a fenced call that was sent again after a transient failure (`retried`): an answer of
 * "not pending" means the first try landed and only its reply was lost, so it counts as done.
 */
export const landed = (c: number, retried: boolean): boolean => c === 1 || (retried && c === LeaseLost.NotPending);

/** The "lease lost" outcome of code `c` (a code that is not a LeaseLost code counts as not pending). */
export const lost = (c: number): { ok: false; lost: LeaseLost } => ({
  ok: false,
  lost: isLeaseLost(c) ? c : LeaseLost.NotPending,
});

/**
 * The delivery counts of `ds` as one ARGV value: '' when every count is 1 (every fresh read: the common ack), else
 * the counts joined by ','. The script's slow path expands it (lua-helpers `counts_of`); its fast path never reads
 * it (docs/decisions.md "Fence fast path", "Delivery counts in one value").
 */
export function encodeCounts(ds: readonly Delivery[]): string {
  let ones = true;
  for (const d of ds)
    if (d.deliveries !== 1) {
      ones = false;
      break;
    }
  return ones ? '' : ds.map((d) => String(d.deliveries)).join(',');
}

/** The counts {@link encodeCounts} wrote for `n` deliveries, as the script's slow path reads them (for tests). */
export function decodeCounts(s: string, n: number): string[] {
  return s === '' ? new Array<string>(n).fill('1') : s.split(',');
}

/** The ARGV tail of a batch: the counts ({@link encodeCounts}), the n entry ids, then with `jobIds` the n job ids ('' = its entry id). */
function tail(ds: readonly Delivery[], jobIds: boolean): string[] {
  const n = ds.length;
  const out = new Array<string>(1 + n * (jobIds ? 2 : 1));
  out[0] = encodeCounts(ds);
  for (let i = 0; i < n; i++) {
    const d = ds[i] as Delivery;
    out[1 + i] = d.entryId;
    if (jobIds) out[1 + n + i] = jobIdArg(d);
  }
  return out;
}

/**
 * The job id a batched script gets for `d`: '' when nothing is kept under it (its id is its entry id and it reported
 * no progress), else the id whose index entry, cancel request and progress its finish removes.
 */
const jobIdArg = (d: Delivery): string =>
  d.jobId !== undefined && d.jobId !== d.entryId ? d.jobId : d.progressed ? d.entryId : '';

/** True when a delivery of `ds` has something kept under its job id (an index entry, progress). */
export const hasJobIds = (ds: readonly Delivery[]): boolean => ds.some((d) => jobIdArg(d) !== '');

/** The split point of an entry id `<ms>-<seq>` (digits, at most 19 each: always a valid XPENDING bound), or -1. */
function idDash(id: string): number {
  const d = id.indexOf('-');
  if (d < 1 || d > 19 || id.length - d - 1 < 1 || id.length - d - 1 > 19) return -1;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (i !== d && (c < 48 || c > 57)) return -1;
  }
  return d;
}

/**
 * Negative, 0 or positive as entry id `a` (split at `da`) is below, equal to or above `b` (at `db`): ms, then seq,
 * as numbers written without leading zeros (as Redis writes them; another spelling only widens or narrows the
 * range, which costs single-id fences, never a wrong code).
 */
function compareIds(a: string, da: number, b: string, db: number): number {
  if (da !== db) return da - db;
  // as many ms digits and as many seq digits on both sides: the text's order is the numbers' (one native compare)
  if (a.length === b.length) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < da; i++) {
    const x = a.charCodeAt(i) - b.charCodeAt(i);
    if (x !== 0) return x;
  }
  return a.length - b.length;
}

/**
 * The smallest and largest entry id of `ds` (compared as numbers), the range of fence_many's one XPENDING; ['', '']
 * when none is of the form `<ms>-<seq>`. Only which entries that reply lists depends on it (lua-helpers.ts).
 */
export function idRange(ds: readonly Delivery[]): [string, string] {
  let lo = '';
  let hi = '';
  let dlo = -1;
  let dhi = -1;
  for (let i = 0; i < ds.length; i++) {
    const id = (ds[i] as Delivery).entryId;
    const di = idDash(id);
    if (di < 0) continue;
    if (dhi < 0) {
      lo = hi = id;
      dlo = dhi = di;
    } else if (compareIds(id, di, hi, dhi) > 0) {
      // above the largest, so not below the smallest: a batch in stream order costs one compare per id
      hi = id;
      dhi = di;
    } else if (compareIds(id, di, lo, dlo) < 0) {
      lo = id;
      dlo = di;
    }
  }
  return [lo, hi];
}

/**
 * Run a batched fenced script (ack) over `ds` (KEYS: the stream, then `moreKeys`; ARGV: group, consumer, the id
 * range (idRange), then {@link tail}: the counts, the ids, the job ids): one result per delivery, in order; the
 * script may answer a number (every delivery done) instead of the codes. `retried` (default false): see
 * {@link landed}.
 */
export async function runFencedBatch(
  script: LuaScript,
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
  retried = false,
  moreKeys: readonly string[] = [],
  jobIds = false,
): Promise<Fenced[]> {
  if (ds.length === 0) return [];
  const args = [GROUP, consumer, ...idRange(ds), ...tail(ds, jobIds)];
  const r = await script.run(exec, [keys.stream, ...moreKeys], args);
  // the script answers the count alone when every delivery was done (the common batch: no array to build)
  if (!Array.isArray(r)) return new Array<Fenced>(ds.length).fill(DONE);
  return r.map((c) => (landed(code(c), retried) ? DONE : lost(code(c))));
}
