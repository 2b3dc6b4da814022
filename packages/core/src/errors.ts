/** Errors a user can meet, and the result codes of the fenced Lua scripts. */

/** Thrown by a handler to send the job to the dead-letter stream at once, skipping the remaining attempts. */
export class UnrecoverableError extends Error {
  override name = 'UnrecoverableError';
}

/** One failed check of a payload against a job's schema: the dotted path of the field and what was wrong. */
export interface ValidationIssue {
  /** Dotted path of the bad field (`''` for the payload itself). */
  path: string;
  /** What the validator said. */
  message: string;
}

/** A payload that failed its job's schema, or that is not JSON-serialisable or too large. Names every bad field. */
export class JobValidationError extends Error {
  override name = 'JobValidationError';
  constructor(
    /** The job's name. */
    readonly job: string,
    /** Every problem found, each with the path of the field. */
    readonly issues: readonly ValidationIssue[],
  ) {
    super(
      `invalid payload for job "${job}": ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
    );
  }
}

/** A bad argument to a stream command or an option, caught before anything is sent to Redis. */
export class SluiceArgumentError extends TypeError {
  override name = 'SluiceArgumentError';
}

/** What a fenced script says when the caller no longer owns the entry (DESIGN.md, "Fencing"). */
export enum LeaseLost {
  /** The entry is not in the group's pending list any more (acked by someone, or deleted). */
  NotPending = -1,
  /** Another consumer owns the entry now (it was reclaimed). */
  WrongOwner = -2,
  /** Same consumer name but another delivery: the entry was delivered again since the caller got it. */
  WrongDelivery = -3,
}

/** Human text for a {@link LeaseLost} code. */
export function leaseLostMessage(code: LeaseLost): string {
  switch (code) {
    case LeaseLost.NotPending:
      return 'lease lost: the entry is no longer pending';
    case LeaseLost.WrongOwner:
      return 'lease lost: another consumer owns the entry';
    case LeaseLost.WrongDelivery:
      return 'lease lost: the entry was delivered again';
  }
}

/** True when `code` is one of the {@link LeaseLost} codes. */
export function isLeaseLost(code: number): code is LeaseLost {
  return code === LeaseLost.NotPending || code === LeaseLost.WrongOwner || code === LeaseLost.WrongDelivery;
}

/** Why `waitFor` rejected. */
export type WaitForReason = 'failed' | 'cancelled' | 'timeout' | 'not-kept' | 'result-not-kept';

/**
 * `waitFor` did not get a result: the job was dead-lettered (`failed`, with its final `jobError`), cancelled, did
 * not finish in time (`timeout`), finished without being kept (`not-kept`: set `keep.completed`; or the id is
 * unknown), or completed with a result too large or not JSON to store (`result-not-kept`).
 */
export class WaitForError extends Error {
  override name = 'WaitForError';
  constructor(
    /** Why. */
    readonly reason: WaitForReason,
    message: string,
    /** The job's final error message (reason `failed`), else undefined. */
    readonly jobError?: string | undefined,
  ) {
    super(message);
  }
}
