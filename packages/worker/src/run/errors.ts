/**
 * The errors of a run: the reason of an interrupted run, a job name without a handler, and DeferJob (thrown by a
 * handler to run the job later without counting the attempt).
 */

/** Why a run was cut short. */
export type InterruptKind = 'timeout' | 'shutdown' | 'lease-lost' | 'cancelled';

/** The reason of an aborted `ctx.signal`. */
export class JobInterrupt extends Error {
  override name = 'JobInterrupt';
  constructor(
    /** What cut the run short. */
    readonly kind: InterruptKind,
    message: string,
  ) {
    super(message);
  }
}

/** The job name has no handler in this worker. */
export class MissingHandlerError extends Error {
  override name = 'MissingHandlerError';
}

/**
 * Thrown by a handler to run the job again after `delayMs` without counting the attempt: the fault is outside
 * the job (the push dispatcher throws it while the endpoint refuses its signature), so the job is kept however
 * long that lasts.
 */
export class DeferJob extends Error {
  override name = 'DeferJob';
  constructor(
    message: string,
    /** Milliseconds before the job runs again. */
    readonly delayMs: number,
  ) {
    super(message);
  }
}
