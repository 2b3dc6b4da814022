/** The CLI's exit error and the mapping from any error to an exit code and one line for stderr. */
import { JobValidationError, SluiceArgumentError } from '@sluice/core';
import { escapeControl, redactSecrets } from '@sluice/core/internal';

/** Exit codes of every `sluice` command. */
export const EXIT = {
  /** Success; every threshold within its limit. */
  ok: 0,
  /** The command ran but the answer is "no": a threshold was exceeded, an entry was not found. */
  failed: 1,
  /** Usage error (bad flag, argument or input), connection error, or any unexpected error. */
  usage: 2,
} as const;

/** Thrown by a command to end the process with `code`; `message` ('' = print nothing) goes to stderr. */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(
    message: string,
    /** Process exit code (default 2, a usage or connection error). */
    readonly code: number = EXIT.usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A usage error (exit 2) naming the flag or argument and what it expects. */
export const usageError = (message: string): ExitError => new ExitError(message, EXIT.usage);

/** The exit code for `e`: an {@link ExitError}'s own code, otherwise 2. */
export function exitCodeOf(e: unknown): number {
  return e instanceof ExitError ? e.code : EXIT.usage;
}

/** True for errors whose message is already a complete sentence for the user (no "error:" class name needed). */
const isKnown = (e: unknown): boolean =>
  e instanceof ExitError || e instanceof SluiceArgumentError || e instanceof JobValidationError;

/** The text to print on stderr for `e`: one line, the stack too when `verbose` (default false); '' for a silent exit. */
export function formatError(e: unknown, verbose = false): string {
  if (e instanceof ExitError && e.message === '') return '';
  const err = e instanceof Error ? e : new Error(String(e));
  const line = isKnown(err) ? err.message : `${err.message || err.name}`;
  const oneLine = `sluice: ${escapeControl(redactSecrets(line.split('\n')[0] ?? ''))}`;
  if (!verbose) return oneLine;
  const parts = [oneLine, err.stack ?? ''];
  for (let c = err.cause; c instanceof Error; c = c.cause) parts.push(`caused by: ${c.stack ?? c.message}`);
  return redactSecrets(parts.filter(Boolean).join('\n'));
}
