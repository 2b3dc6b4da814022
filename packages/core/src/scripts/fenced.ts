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
  /** The job id, when the caller knows it (default: unknown; ack then reads it from the entry to drop its index entry). */
  jobId?: string | undefined;
}

/** Outcome of a fenced transition: done, or the lease was lost and nothing changed. */
export type Fenced<T = object> = ({ ok: true } & T) | { ok: false; lost: LeaseLost };

/** A script's integer reply as a number. */
export const code = (raw: unknown): number => Number(raw);

/** The "lease lost" outcome of code `c` (a code that is not a LeaseLost code counts as not pending). */
export const lost = (c: number): { ok: false; lost: LeaseLost } => ({
  ok: false,
  lost: isLeaseLost(c) ? c : LeaseLost.NotPending,
});

/** The ARGV tail of a batch: entry id, deliveries[, job id ('' = unknown) with `jobIds`], entry id, ... */
function tail(ds: readonly Delivery[], jobIds: boolean): string[] {
  const step = jobIds ? 3 : 2;
  const out = new Array<string>(ds.length * step);
  for (let i = 0; i < ds.length; i++) {
    const d = ds[i] as Delivery;
    out[step * i] = d.entryId;
    out[step * i + 1] = String(d.deliveries);
    if (jobIds) out[step * i + 2] = d.jobId ?? '';
  }
  return out;
}

/**
 * Run a batched fenced script (ack, renew) over `ds` (KEYS: the stream, then `moreKeys`; ARGV: pairs, or with
 * `jobIds` triples with the job id): one result per delivery, in order.
 */
export async function runFencedBatch(
  script: LuaScript,
  exec: RedisExecutor,
  keys: QueueKeys,
  consumer: string,
  ds: readonly Delivery[],
  moreKeys: readonly string[] = [],
  jobIds = false,
): Promise<Fenced[]> {
  if (ds.length === 0) return [];
  const r = (await script.run(exec, [keys.stream, ...moreKeys], [GROUP, consumer, ...tail(ds, jobIds)])) as unknown[];
  return r.map((c) => (code(c) === 1 ? { ok: true } : lost(code(c))));
}
