/**
 * enqueueMany after a write of a batch failed (a master died, a connection dropped): the jobs whose XADD has no
 * reply are looked up in the stream by job id once the queue's node answers again (a promoted replica), the
 * missing ones are sent again, and so on until every job is in or `DEFAULTS.enqueueRecoverMs` has passed. Then
 * an {@link EnqueueManyError} names exactly which payloads were written. Only this failure path runs any of it.
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

/** Entry ids of the jobs of `wanted` (job id to entry id) found in `stream` after `after` (exclusive). */
async function lookUp(exec: RedisExecutor, stream: string, after: string, wanted: Set<string>) {
  const found = new Map<string, string>();
  let start = after;
  for (let pages = 0; pages < 10_000 && found.size < wanted.size; pages++) {
    const { values, error } = await settleWithin([
      exec.send(['XRANGE', stream, start, '+', 'COUNT', String(PAGE)], stream),
    ]);
    if (values[0] === undefined) throw error;
    const entries = xrangeReply(values[0]);
    for (const e of entries) {
      const id = e.fields.id;
      if (id !== undefined && wanted.has(id)) found.set(id, e.id);
    }
    if (entries.length < PAGE) break;
    start = `(${entries[entries.length - 1]?.id}`;
  }
  return found;
}

/**
 * Make sure every job of `batch` is in `stream`: `entryIds[i]` is the XADD reply of `batch[i]` or `undefined`
 * (no reply). `after` is an exclusive lower bound of where they can be (the last entry id acknowledged before
 * them). Returns the entry ids, or throws {@link EnqueueManyError} (indexes offset by `first`) when the time is up.
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
      const wanted = new Set(missing.map((i) => (batch[i] as JobEnvelope).id));
      const found = await lookUp(exec, stream, after, wanted);
      const resend: number[] = [];
      for (const i of missing) {
        const at = found.get((batch[i] as JobEnvelope).id);
        if (at === undefined) resend.push(i);
        else entryIds[i] = at;
      }
      const sent = resend.map((i) =>
        exec.send(['XADD', stream, '*', ...envelopeFields(batch[i] as JobEnvelope)], stream),
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
