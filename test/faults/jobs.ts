/**
 * The job of the fault suite, shared by the worker child (app.ts) and the harness's producer (producer.ts).
 * Every job is identified by `n`: its idempotency key is `job-<n>` and its payload carries `n`, so the checker
 * can follow it through executions (payload) and the dead-letter stream (the `key` field) alike.
 */
import { defineJob, type JobContext } from '@sluice/core';
import { z } from 'zod';

/** Queue and job name of the suite. */
export const QUEUE = 'faults';

/** The payload: `ms` of work; `exit` makes the handler kill its process (poison); `pad` makes it big. */
export const payloadSchema = z.object({
  n: z.number().int().nonnegative(),
  ms: z.number().int().min(0).max(60_000),
  exit: z.boolean().optional(),
  pad: z.string().optional(),
  /** Priority to enqueue with (flow-order.test.ts); default normal. */
  prio: z.enum(['high', 'low']).optional(),
  /** Fair group key to enqueue with (flow-order.test.ts); default none. */
  tenant: z.string().optional(),
});

/** A payload. */
export type Payload = z.infer<typeof payloadSchema>;

/** The idempotency key (and checker identity) of job `n`. */
export const keyOf = (n: number): string => `job-${n}`;

/** The job definition with `handler` (the app's) or a no-op one (the producer only enqueues). */
export function workJob(handler: (p: Payload, ctx: JobContext) => Promise<void> = async () => {}) {
  return defineJob({
    name: QUEUE,
    schema: payloadSchema,
    retry: { attempts: 5, backoff: { type: 'fixed', delay: 50 } },
    handler,
  });
}
