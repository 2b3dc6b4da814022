/**
 * Retention of finished jobs (`keep` on defineJob or createWorker): the options, their check, and the limits
 * resolved from DEFAULTS. The kept records themselves are written by the finishing scripts (kept.ts reads them).
 */
import { SluiceArgumentError } from './errors.js';
import { DEFAULTS } from './options.js';

/** How many finished jobs of one outcome a queue keeps, and for how long. */
export interface KeepLimit {
  /** Most jobs of this outcome kept per queue (default 1000); the oldest go first. */
  count?: number;
  /** Ms a kept job lasts after it finished (default 86 400 000, 24 h). */
  age?: number;
}

/** Retention of finished jobs (default: nothing kept, 0 bytes per finished job). */
export interface KeepOptions {
  /** Keep succeeded jobs with the handler's return value (default: not kept). */
  completed?: KeepLimit;
  /** Keep dead-lettered jobs with their final error (default: not kept; the dead-letter stream has them anyway). */
  failed?: KeepLimit;
}

/** Checks retention options (`what` names them in the error): each limit's count and age positive integers. */
export function assertKeep(keep: unknown, what: string): asserts keep is KeepOptions | undefined {
  if (keep === undefined) return;
  if (keep === null || typeof keep !== 'object') {
    throw new SluiceArgumentError(`${what} must be an object like { completed: { count: 100, age: 3600000 } }`);
  }
  for (const [outcome, limit] of Object.entries(keep)) {
    if (outcome !== 'completed' && outcome !== 'failed') {
      throw new SluiceArgumentError(`${what}: unknown outcome "${outcome}"; expected completed or failed`);
    }
    if (limit === undefined) continue;
    if (limit === null || typeof limit !== 'object') {
      throw new SluiceArgumentError(
        `${what}.${outcome} must be an object { count?, age? }; got ${JSON.stringify(limit)}`,
      );
    }
    for (const f of ['count', 'age'] as const) {
      const v = (limit as KeepLimit)[f];
      if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
        throw new SluiceArgumentError(`${what}.${outcome}.${f} must be a positive integer; got ${JSON.stringify(v)}`);
      }
    }
  }
}

/** The resolved limits of one outcome of `keep` (count and age defaulted from DEFAULTS), or undefined: not kept. */
export function keepLimits(
  keep: KeepOptions | undefined,
  outcome: 'completed' | 'failed',
): { count: number; age: number } | undefined {
  const l = keep?.[outcome];
  return l ? { count: l.count ?? DEFAULTS.keepCount, age: l.age ?? DEFAULTS.keepAge } : undefined;
}
