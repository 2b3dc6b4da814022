/**
 * enqueueMany after a write of a batch failed (a master died, a connection dropped): the jobs whose enqueue-batch
 * call has no reply (the call wrote all of them or none) are looked up in the stream by their fields (name,
 * payload, enqueue time, trace: the entry has no job id field) once the queue's node answers again (a promoted
 * replica), the missing ones are sent again, and so on until every job is in or `DEFAULTS.enqueueRecoverMs` has
 * passed. Then an {@link EnqueueManyError} names exactly which payloads were written. Only this failure path runs
 * any of it.
 */
import { xrangeReply } from './commands/xrange.js';
import type { RedisExecutor } from './connection.js';
import { envelopeFields, type JobEnvelope } from './job.js';
import { DEFAULTS } from './options.js';

/** enqueueMany could not write every payload; which were written, which were not, and which nobody can tell. */
export class EnqueueManyError extends Error {
  override name = 'EnqueueManyError';
  constructor(
    message: string,
    /** Indexes into the payloads of the jobs in Redis (acknowledged, or found in the stream). */
    readonly written: readonly number[],
    /** Indexes of the jobs certainly not written: send them again. */
    readonly notWritten: readonly number[],
    /** Indexes of the jobs sent without a reply that could not be looked up (the queue's node never answered). */
    readonly unknown: readonly number[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How long a batch's other writes may stay unanswered once one failed, and a lookup may take, in ms. */
const GRACE_MS = 2000;
/** Pause between recovery rounds, in ms (a cluster refreshes its topology every 300 ms while a node is down). */
const ROUND_MS = 250;
/** Entries per XRANGE page of the lookup. */
const PAGE = 1000;

/** Each promise's value, or `undefined` when it rejected or is still pending after `graceMs`; and one error. */
export async function settleWithin<T>(
  promises: readonly Promise<T>[],
  graceMs: number = GRACE_MS,
): Promise<{ values: (T | undefined)[]; error: unknown }> {
  const values: (T | undefined)[] = new Array(promises.length);
  let error: unknown;
  const all = Promise.all(
    promises.map((p, i) =>
      p.then(
        (v) => {
          values[i] = v;
        },
        (e: unknown) => {
          error ??= e;
        },
      ),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  if (error === undefined && values.includes(undefined)) error = new Error(`no reply within ${graceMs} ms`);
  return { values, error };
}

/**
 * Run an idempotent write (e.g. SADD) that just failed with `cause` again every 250 ms until it succeeds, for up
 * to `DEFAULTS.enqueueRecoverMs` (a promoted replica takes over); then throws the last error.
 */
export async function retryIdempotent(send: () => Promise<unknown>, cause: unknown): Promise<void> {
  const deadline = Date.now() + DEFAULTS.enqueueRecoverMs;
  let lastError = cause;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, ROUND_MS));
    const { values, error } = await settleWithin([send().then(() => true)]);
    if (values[0]) return;
    lastError = error;
  }
  throw lastError;
}

/** What identifies an immediate job's entry (it has no `id` field): its name, payload, enqueue time and trace. */
const contentOf = (f: { name?: string; enqueuedAt?: string | number; trace?: string | undefined; data?: string }) =>
  `${f.name}\n${f.enqueuedAt}\n${f.trace ?? ''}\n${f.data}`;

/**
 * Entry ids of the missing jobs (`wanted`: content -> their indexes, in send order) found in `stream` after
 * `after` (exclusive), skipping the entries already acknowledged (`known`). Entries of equal content are matched
 * in stream order, which is send order (one pipelined connection).
 */
async function lookUp(
  exec: RedisExecutor,
  stream: string,
  after: string,
  wanted: Map<string, number[]>,
  known: Set<string>,
): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  let left = [...wanted.values()].reduce((n, l) => n + l.length, 0);
  let start = after;
  for (let pages = 0; pages < 10_000 && left > 0; pages++) {
    const { values, error } = await settleWithin([
      exec.send(['XRANGE', stream, start, '+', 'COUNT', String(PAGE)], stream),
    ]);
    if (values[0] === undefined) throw error;
    const entries = xrangeReply(values[0]);
    for (const e of entries) {
      if (e.fields.id !== undefined || known.has(e.id)) continue;
      const i = wanted.get(contentOf(e.fields))?.shift();
      if (i !== undefined) {
        found.set(i, e.id);
        left--;
      }
    }
    if (entries.length < PAGE) break;
    start = `(${entries[entries.length - 1]?.id}`;
  }
  return found;
}

/**
 * Make sure every job of `batch` is in `stream`: `entryIds[i]` is the entry id written for `batch[i]` or
 * `undefined` (no reply). Jobs found missing are re-sent as one XADD each. `after` is an exclusive lower bound of
 * where they can be (the last entry id acknowledged before them). Returns the entry ids, or throws
 * {@link EnqueueManyError} (indexes offset by `first`) when the time is up.
 */
export async function recoverBatch(
  exec: RedisExecutor,
  stream: string,
  batch: readonly JobEnvelope[],
  entryIds: (string | undefined)[],
  after: string,
  first: number,
  cause: unknown,
  total: number,
): Promise<string[]> {
  const deadline = Date.now() + DEFAULTS.enqueueRecoverMs;
  let lastError = cause;
  for (;;) {
    const missing = [...entryIds.keys()].filter((i) => entryIds[i] === undefined);
    if (missing.length === 0) return entryIds as string[];
    if (Date.now() >= deadline) {
      const written = [...entryIds.keys()].filter((i) => entryIds[i] !== undefined).map((i) => first + i);
      const unknown = missing.map((i) => first + i);
      const rest = Array.from({ length: total - first - batch.length }, (_, k) => first + batch.length + k);
      const why = lastError instanceof Error ? lastError.message : String(lastError);
      throw new EnqueueManyError(
        `enqueueMany: ${first + written.length} of ${total} jobs written; ${unknown.length} sent without a reply (their queue's node did not answer for ${DEFAULTS.enqueueRecoverMs} ms), ${rest.length} not written: ${why}`,
        [...Array.from({ length: first }, (_, k) => k), ...written],
        rest,
        unknown,
        { cause: lastError },
      );
    }
    await new Promise((r) => setTimeout(r, ROUND_MS));
    try {
      const wanted = new Map<string, number[]>();
      for (const i of missing) {
        const k = contentOf(batch[i] as JobEnvelope);
        wanted.set(k, [...(wanted.get(k) ?? []), i]);
      }
      const known = new Set(entryIds.filter((v): v is string => v !== undefined));
      const found = await lookUp(exec, stream, after, wanted, known);
      const resend: number[] = [];
      for (const i of missing) {
        const at = found.get(i);
        if (at === undefined) resend.push(i);
        else entryIds[i] = at;
      }
      const sent = resend.map((i) =>
        exec.send(['XADD', stream, '*', ...envelopeFields(batch[i] as JobEnvelope, false)], stream),
      );
      const { values, error } = await settleWithin(sent as Promise<string>[]);
      resend.forEach((i, k) => {
        entryIds[i] = values[k];
      });
      if (error !== undefined) lastError = error;
    } catch (e) {
      lastError = e;
    }
  }
}
