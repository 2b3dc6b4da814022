/**
 * runDrainProcess(): a drain as the process's main job (the CLI's `sluice worker drain`). SIGTERM or SIGINT
 * stops it gracefully, as `worker start` does (no new job, running ones get the grace period within the budget,
 * the rest are handed back, the consumer is removed) and it resolves with the result; a second signal exits at once.
 */
import { resolveLogger } from '../../logger.js';
import { onStopSignals, STOP_SIGNALS } from '../../worker-process.js';
import { type DrainOptions, type DrainResult, drain } from './drain.js';

/** Options of {@link runDrainProcess}: a drain's, without `signal` (the process signals abort it). */
export interface DrainProcessOptions extends Omit<DrainOptions, 'signal'> {
  /** Signals that stop the drain gracefully (default SIGTERM and SIGINT). */
  signals?: readonly NodeJS.Signals[];
}

/** Drain until empty, the budget's end or the first stop signal; resolves with what it did. */
export async function runDrainProcess(opts: DrainProcessOptions): Promise<DrainResult> {
  const log = resolveLogger(opts.logger);
  const stop = new AbortController();
  const off = onStopSignals(opts.signals ?? STOP_SIGNALS, log, () => stop.abort());
  try {
    return await drain({ ...opts, logger: log, signal: stop.signal });
  } finally {
    off();
  }
}
