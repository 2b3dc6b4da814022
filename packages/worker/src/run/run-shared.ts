/** What every run of one worker shares (run-types.ts RunShared), built once by the pool from the worker's parts. */
import { successLevel } from '../logger.js';
import type { WorkerDeps } from '../worker-deps.js';
import type { RunOwner, RunShared } from './run-types.js';

/** The shared part of every run of the worker `rt`, whose deliveries `owner` holds; `hooks.wake` nudges a queue's reader. */
export function runShared(
  rt: WorkerDeps,
  owner: RunOwner,
  hooks: { wake(queue: string, inMs?: number): void },
): RunShared {
  const logSuccess = successLevel(rt.log);
  return {
    exec: rt.conn,
    consumer: rt.consumer,
    jobs: rt.opts.jobs,
    log: rt.log,
    enqueueCtx: rt.enqueueCtx,
    clock: rt.opts.clock,
    random: Math.random,
    acks: rt.acks,
    owner,
    emit: rt.emit,
    listening: rt.listening,
    durations: logSuccess !== undefined,
    logSuccess,
    keep: rt.opts.keep,
    leaseMs: rt.opts.lease,
    onRetry: (queue, ms) => hooks.wake(queue, ms),
    onMarker: (queue) => hooks.wake(queue),
  };
}
