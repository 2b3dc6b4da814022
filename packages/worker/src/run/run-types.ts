/** The parts of one run: what every run of a worker shares, the delivery to run, and what comes back. */
import type { AnyJob, Clock, Delivery, EnqueueContext, Fenced, QueueKeys, RedisExecutor } from '@sluice/core';
import type { Logger } from 'pino';
import type { Emit, WorkerEventName } from '../events.js';
import type { Decision } from './decision.js';
import type { RunSignal } from './run-signal.js';

/** Told once when an ack is recorded: the fenced result, or the error that outlasted the retries. */
export interface AckReceiver {
  acked(err: unknown, result: Fenced | undefined): void;
}

/** What every run of one worker (or driver) shares; built once, not per job. */
export interface RunShared {
  /** Connection for the fenced scripts. */
  exec: RedisExecutor;
  /** Consumer name the entries are delivered to. */
  consumer: string;
  /** Handlers by job name. */
  jobs: ReadonlyMap<string, AnyJob>;
  /** Parent logger. */
  log: Logger;
  /** For `ctx.enqueue`. */
  enqueueCtx: EnqueueContext;
  /** Time source (default the system clock). */
  clock?: Clock | undefined;
  /** Record a fenced ack and tell `to` (retries transient failures itself). */
  ack(keys: QueueKeys, d: Delivery, to: AckReceiver): void;
  /** Event sink (default none). */
  emit?: Emit | undefined;
  /** True when `event` has listeners (default: true when `emit` is set); no event payload is built otherwise. */
  listening?: ((event: WorkerEventName) => boolean) | undefined;
  /** Measure every handler's duration (default true); false: only when an event that carries it has listeners. */
  durations?: boolean | undefined;
  /** Random source for backoff jitter (default Math.random). */
  random?: (() => number) | undefined;
  /** Called after a retry of a job of `queue` was scheduled, with its delay (the worker wakes its promoter). */
  onRetry?: ((queue: string, delayMs: number) => void) | undefined;
  /** Called when a `wake` marker of `queue` was finished (the worker wakes its promoter). */
  onMarker?: ((queue: string) => void) | undefined;
}

/** One delivery to run, and the hooks of its run. */
export interface RunTask {
  /** Keys of the queue the entry was read from. */
  readonly keys: QueueKeys;
  /** The lease token: entry id and delivery count. */
  readonly delivery: Delivery;
  /** The entry's raw fields. */
  readonly fields: Record<string, string>;
  /** Aborted from outside with a JobInterrupt reason; the run's own signal when set (default: a new one). */
  readonly interrupt?: RunSignal | undefined;
  /** Called once when the handler starts (after decoding and validation). */
  onStart?(): void;
  /** Called when the handler is over (returned, threw, timed out, interrupted): stop renewing the lease. */
  onSettled?(): void;
  /** Called exactly once at the end: `err` set only when Redis stayed unreachable (the entry stays pending). */
  onDone(err: unknown, result: RunJobResult | undefined): void;
}

/** What happened to the delivery. */
export type RunOutcome = 'succeeded' | 'retrying' | 'dead' | 'handed-back' | 'lease-lost' | 'marker';

/** The result of a run. */
export interface RunJobResult {
  outcome: RunOutcome;
  /** Handler time in ms (0 when it did not run). */
  durationMs: number;
  /** The decision applied. */
  decision: Decision | undefined;
}
