/** The debounce or throttle of one enqueue (docs/flow-control.md): the enqueue's option over the job's, checked. */
import type { AnyJob, EnqueueOptions } from './define-job.js';
import { SluiceArgumentError } from './errors.js';
import { type EnqueueLimit, flowKey, resolveEnqueueLimit } from './flow.js';
import type { QueueKeys } from './keys.js';
import type { EnqueueFlow, EnqueueMode } from './scripts/index.js';

/** The debounce or throttle of one enqueue (its options over the job's), or undefined; throws on a bad one. */
export function enqueueFlowOf(
  keys: QueueKeys,
  job: AnyJob | undefined,
  name: string,
  payload: unknown,
  opts: EnqueueOptions | undefined,
  when: EnqueueMode,
): EnqueueFlow | undefined {
  const pick = (kind: 'debounce' | 'throttle'): EnqueueLimit | undefined =>
    opts?.[kind] !== undefined ? resolveEnqueueLimit('enqueue', kind, opts[kind]) : job?.[kind];
  const debounce = pick('debounce');
  const throttle = pick('throttle');
  const limit = debounce ?? throttle;
  if (!limit) return undefined;
  if (debounce && throttle) throw new SluiceArgumentError('enqueue: give either debounce or throttle, not both');
  if (opts?.key !== undefined)
    throw new SluiceArgumentError(`enqueue: key (idempotency key) and ${limit.kind} exclude each other`);
  if (debounce && when.mode !== 'now')
    throw new SluiceArgumentError('enqueue: debounce sets the due time; give no delay or at');
  const k = flowKey(limit.key, payload, job ? `job "${name}"` : 'enqueue', `${limit.kind}.key`);
  const fk = keys.flowOf(name);
  return {
    kind: limit.kind,
    key: limit.kind === 'debounce' ? fk.debounce(k) : fk.throttle(k),
    periodMs: limit.periodMs,
    maxWaitMs: limit.maxWaitMs,
    delayMs: when.mode === 'delay' ? when.ms : when.mode === 'at' ? Math.max(1, when.epochMs - Date.now()) : 0,
  };
}
