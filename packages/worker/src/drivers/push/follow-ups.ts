/**
 * Follow-up jobs in push mode (docs/push.md): a handler's `ctx.enqueue` collects them, the 200 response carries
 * them, and the dispatcher enqueues them on its own connection before it acks the job. So a handler needs no Redis
 * client. Edge-safe: only type imports.
 */
import type { AnyJob, EnqueueOptions, EnqueueResult } from '@sluice/core';
import type { ChainEnqueue } from '@sluice/core/internal';

/** Enqueue options a follow-up carries (`at` as epoch ms). */
export interface FollowUpOptions {
  /** Run no sooner than this many ms from now, or a duration like `10s`. */
  delay?: number | string;
  /** Run no sooner than this time, epoch ms. */
  at?: number;
  /** Idempotency key. */
  key?: string;
  /** How long the idempotency key lasts, in ms. */
  keyTtl?: number;
  /** W3C traceparent to carry to the handler. */
  trace?: string;
}

/** A job enqueued by a push handler, carried back in the response. */
export interface FollowUp {
  /** Job name. */
  name: string;
  /** Queue: the `queue` option, else the job's queue. */
  queue: string;
  /** The payload (JSON). */
  payload: unknown;
  /** Options given to `ctx.enqueue` (default none). */
  options?: FollowUpOptions;
}

/** The body of a 200 answer of a push handler. */
export interface PushReply {
  /** Always true: the job is done. */
  ok: true;
  /** Follow-up jobs for the dispatcher to enqueue with the ack (absent when none). */
  enqueue?: FollowUp[];
}

/** Validates a payload with a job's schema: the value, or the error naming the bad fields. */
export type PayloadCheck = (job: AnyJob, value: unknown) => Promise<{ ok: true } | { ok: false; error: string }>;

/** The result `ctx.enqueue` gives in push mode: the job does not exist yet, so there is no id (''). */
const NOT_YET: EnqueueResult = Object.freeze({ id: '', deduplicated: false });

function optionsOf(o: EnqueueOptions | undefined): FollowUpOptions | undefined {
  if (!o) return undefined;
  const out: FollowUpOptions = {};
  if (o.delay !== undefined) out.delay = o.delay;
  if (o.at !== undefined) out.at = o.at instanceof Date ? o.at.getTime() : o.at;
  if (o.key !== undefined) out.key = o.key;
  if (o.keyTtl !== undefined) out.keyTtl = o.keyTtl;
  if (o.trace !== undefined) out.trace = o.trace;
  return Object.keys(out).length ? out : undefined;
}

/**
 * A `ctx.enqueue` that validates each job (the schema of a definition, a JSON payload) and collects it;
 * `close()` returns the jobs and refuses later calls (a follow-up after the response would be lost).
 */
export function collectFollowUps(check: PayloadCheck): { enqueue: ChainEnqueue; close(): FollowUp[] } {
  const jobs: FollowUp[] = [];
  let closed = false;
  const enqueue = async (job: AnyJob | string, payload: unknown, options?: EnqueueOptions) => {
    if (closed) throw new Error('ctx.enqueue was called after the handler returned; await it inside the handler');
    const def = typeof job === 'string' ? undefined : job;
    const name = def ? def.name : job;
    if (typeof name !== 'string' || name === '')
      throw new TypeError('ctx.enqueue: job must be a job definition or a non-empty name');
    if (def) {
      const v = await check(def, payload);
      if (!v.ok) throw new TypeError(v.error);
    }
    if (JSON.stringify(payload) === undefined)
      throw new TypeError(`ctx.enqueue: the payload of job "${name}" must be JSON`);
    const opts = optionsOf(options);
    jobs.push({ name, queue: options?.queue ?? def?.queue ?? name, payload, ...(opts ? { options: opts } : {}) });
    return NOT_YET;
  };
  return {
    enqueue: enqueue as ChainEnqueue,
    close() {
      closed = true;
      return jobs;
    },
  };
}

const OPTION_TYPES: Record<keyof FollowUpOptions, readonly string[]> = {
  delay: ['number', 'string'],
  at: ['number'],
  key: ['string'],
  keyTtl: ['number'],
  trace: ['string'],
};

/** The follow-ups of a 2xx body: none when it is not JSON or has no `enqueue`; an error text when malformed. */
export function parseFollowUps(body: string): FollowUp[] | string {
  let o: unknown;
  try {
    o = JSON.parse(body);
  } catch {
    return [];
  }
  const list = (o as { enqueue?: unknown } | null)?.enqueue;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return '`enqueue` in the response must be an array of follow-up jobs';
  for (const [i, f] of list.entries()) {
    const bad = (what: string) => `follow-up job ${i + 1} of the response: ${what}`;
    const item = f as Partial<FollowUp> | null;
    if (typeof item?.name !== 'string' || item.name === '') return bad('name must be a non-empty string');
    if (typeof item.queue !== 'string' || item.queue === '') return bad('queue must be a non-empty string');
    if (!('payload' in item)) return bad('payload is missing');
    if (item.options !== undefined) {
      if (typeof item.options !== 'object' || item.options === null) return bad('options must be an object');
      for (const [k, v] of Object.entries(item.options)) {
        const types = OPTION_TYPES[k as keyof FollowUpOptions];
        if (!types) return bad(`unknown option "${k}"`);
        if (!types.includes(typeof v)) return bad(`option ${k} must be a ${types.join(' or ')}`);
      }
    }
  }
  return list as FollowUp[];
}
