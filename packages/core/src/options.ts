/** Every default in one place. Each option's TSDoc elsewhere names the default it takes from here. */
import { DEFAULT_BACKOFF } from './backoff.js';

/** Defaults of Sluice. */
export const DEFAULTS = {
  /** Key prefix of every key. */
  prefix: 'sluice',
  /** Total attempts of a job (first run included) before it is dead-lettered. */
  attempts: 3,
  /** Backoff between attempts. */
  backoff: DEFAULT_BACKOFF,
  /** Largest JSON payload, in bytes. */
  maxPayloadBytes: 1024 * 1024,
  /** How long an idempotency key lasts, in ms (24 h). */
  keyTtl: 86_400_000,
  /** How long the record of a cancelled job is kept, in ms (24 h). */
  cancelledTtl: 86_400_000,
  /** Finished jobs kept per queue and outcome when a `keep` limit gives no `count`. */
  keepCount: 1000,
  /** How long a kept finished job lasts when a `keep` limit gives no `age`, in ms (24 h). */
  keepAge: 86_400_000,
  /** Largest progress object a handler may report (`ctx.progress`), in bytes of JSON. */
  maxProgressBytes: 4096,
  /** Entries a listJobs search reads per call. */
  searchChunk: 1000,
  /** Entries per promote-due call. */
  promoteBatch: 1000,
  /** Jobs per enqueueMany round trip. */
  enqueueBatch: 1000,
  /** Most payload characters per enqueueMany round trip (a larger payload goes alone); bounds one script call. */
  enqueueBatchChars: 1024 * 1024,
  /** Connect timeout of clients Sluice creates, in ms. */
  connectTimeout: 5000,
  /** Per-command timeout of clients Sluice creates, in ms (0 = none: no timer per command; docs/benchmarks.md). */
  commandTimeout: 0,
  /** How long closing a connection waits for pending replies before it drops them, in ms. */
  closeTimeout: 2000,
  /** How long enqueueMany keeps re-checking and re-sending a batch after a write failed (failover), in ms. */
  enqueueRecoverMs: 10_000,
} as const;
