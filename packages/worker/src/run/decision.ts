/**
 * The outcome decision, pure: what a finished attempt means for the job (ack, retry later with backoff,
 * dead-letter, hand back, or nothing because the lease is gone). No I/O, so every rule is unit-tested.
 */
import { type AnyJob, type DeadReason, UnrecoverableError } from '@sluice/core';
import { backoffDelay, DEFAULT_BACKOFF, DEFAULTS, type JobEnvelope } from '@sluice/core/internal';
import { redactError } from '@sluice/core/redact';
import { DeferJob, JobInterrupt } from './errors.js';

export { redactError };

/** How an attempt ended. */
export type Attempt =
  | { ok: true }
  /** `phase: 'payload'`: the entry or payload could not be decoded or validated; the handler never ran. */
  | { ok: false; error: unknown; phase: 'payload' | 'handler' };

/** What to do with the job. */
export type Decision =
  | { kind: 'ack' }
  | { kind: 'retry'; delayMs: number; next: JobEnvelope; error: Error }
  | { kind: 'dead'; reason: DeadReason; error: string; stack: string | undefined; firstFailedAt: number }
  | { kind: 'hand-back'; next: JobEnvelope }
  | { kind: 'abandon' };

/** Longest error message / stack kept in a dead-letter entry. */
export const MAX_ERROR_CHARS = 2000;
export const MAX_STACK_CHARS = 8000;

const bound = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}… (${s.length - max} more chars)` : s);

/** The error as an Error (a thrown string or object is wrapped). */
export function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  let text: string;
  try {
    text = typeof e === 'string' ? e : JSON.stringify(e);
  } catch {
    text = String(e);
  }
  return new Error(`non-Error thrown: ${text}`);
}

/** Decide the fate of `env` (run as `job`, undefined when there is no handler) after `attempt`, at `now` (epoch ms). */
export function classify(
  env: JobEnvelope,
  job: AnyJob | undefined,
  attempt: Attempt,
  now: number,
  random: () => number = Math.random,
): Decision {
  if (attempt.ok) return { kind: 'ack' };
  const error = asError(attempt.error);
  if (error instanceof JobInterrupt && error.kind === 'shutdown') return { kind: 'hand-back', next: env };
  if (error instanceof JobInterrupt && error.kind === 'lease-lost') return { kind: 'abandon' };
  const firstFailedAt = env.firstFailedAt ?? now;
  const dead = (reason: DeadReason): Decision => {
    const shown = redactError(error);
    return {
      kind: 'dead',
      reason,
      error: bound(shown.message || shown.name, MAX_ERROR_CHARS),
      stack: shown.stack ? bound(shown.stack, MAX_STACK_CHARS) : undefined,
      firstFailedAt,
    };
  };
  if (attempt.phase === 'payload') return dead('invalid');
  if (error instanceof DeferJob) return { kind: 'retry', delayMs: error.delayMs, error, next: env };
  if (error instanceof UnrecoverableError) return dead('unrecoverable');
  const attempts = job?.attempts ?? DEFAULTS.attempts;
  if (env.attempt >= attempts) return dead(job ? 'failed' : 'no-handler');
  let delayMs: number;
  try {
    delayMs = backoffDelay(job?.backoff ?? DEFAULT_BACKOFF, env.attempt, error, random);
  } catch {
    delayMs = backoffDelay(DEFAULT_BACKOFF, env.attempt, error, random);
  }
  const next = { ...env, attempt: env.attempt + 1, firstFailedAt };
  return { kind: 'retry', delayMs, error: redactError(error), next };
}
