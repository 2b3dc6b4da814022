/** The errors a run raises itself: the reason of an interrupted run, and a job name without a handler. */

/** Why a run was cut short. */
export type InterruptKind = 'timeout' | 'shutdown' | 'lease-lost';

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
