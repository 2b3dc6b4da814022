/**
 * runWorkerProcess(): run a worker as the process's main job (the CLI's `sluice worker start`). SIGTERM or
 * SIGINT stops it gracefully and the returned promise resolves with exit code 0 (1 when the stop failed); a
 * second signal exits at once. The caller passes the code to `process.exit`.
 */
import type { Logger } from 'pino';
import type { WorkerOptions } from './options.js';
import { createWorker, type Worker } from './worker.js';

/** Options of {@link runWorkerProcess}. */
export interface WorkerProcessOptions extends WorkerOptions {
  /** Signals that stop the worker (default SIGTERM and SIGINT). */
  signals?: readonly NodeJS.Signals[];
  /** Called once the worker has started (e.g. to print its consumer name). Default none. */
  onStarted?: (worker: Worker) => void;
}

const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** The signals that stop a worker or a drain process by default. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Call `onStop` on the first of `signals` (after logging it); a second one exits the process at once with
 * 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). Returns a function that removes the listeners.
 */
export function onStopSignals(
  signals: readonly NodeJS.Signals[],
  log: Pick<Logger, 'info' | 'warn'>,
  onStop: (signal: NodeJS.Signals) => void,
): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting at once');
      process.exit(SIGNAL_CODES[signal] ?? 1);
    }
    stopping = true;
    log.info({ signal }, 'signal received: stopping gracefully (send it again to exit at once)');
    onStop(signal);
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}

/** Start a worker and stop it on the first signal; resolves with the exit code once it has stopped. */
export async function runWorkerProcess(opts: WorkerProcessOptions): Promise<number> {
  const worker = await createWorker(opts);
  await worker.start();
  opts.onStarted?.(worker);
  return new Promise<number>((resolve) => {
    const off = onStopSignals(opts.signals ?? STOP_SIGNALS, worker.log, () => {
      worker.stop().then(
        () => finish(0),
        (err: unknown) => {
          worker.log.error({ err }, 'graceful stop failed');
          finish(1);
        },
      );
    });
    const finish = (code: number) => {
      off();
      resolve(code);
    };
  });
}
