/** The `ctx` a handler receives: ids, attempt, abort signal, a bound child logger, chained enqueue, trace. */
import { type EnqueueContext, enqueue, type JobContext, type JobEnvelope } from '@sluice/core';
import type { Logger } from 'pino';

/** Build the context of one run of `env` read from `queue`. */
export function createJobContext(
  env: JobEnvelope,
  queue: string,
  signal: AbortSignal,
  log: Logger,
  enqueueCtx: EnqueueContext,
): JobContext {
  return {
    jobId: env.id,
    name: env.name,
    queue,
    attempt: env.attempt,
    signal,
    log: log.child({ queue, job: env.name, jobId: env.id, attempt: env.attempt }),
    enqueue: (job, payload, options) => enqueue(enqueueCtx, job, payload, options),
    trace: env.trace,
  };
}
