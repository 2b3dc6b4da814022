/** The parts of one run: what every run of a worker shares, the delivery to run, who is told, and what comes back. */
import type { AnyJob, Clock, KeepOptions, QueueKeys } from '@sluice/core';
import {
  type Delivery,
  type EnqueueContext,
  type Fenced,
  isWakeMarker,
  type RedisExecutor,
} from '@sluice/core/internal';
import type { Logger } from 'pino';
import type { Emit, WorkerEventName } from '../events.js';
import type { Decision } from './decision.js';
import type { RunSignal } from './run-signal.js';

/** Told once when an ack is recorded: the fenced result, or the error that outlasted the retries. */
export interface AckReceiver {
  acked(err: unknown, result: Fenced | undefined): void;
}

/** Records fenced acks (the worker's {@link AckBatcher}, or one direct call per ack); retries transient failures. */
export interface AckSink {
  /** Acknowledge `delivery` of `keys`; `to.acked` gets its own result. */
  add(keys: QueueKeys, delivery: Delivery, to: AckReceiver): void;
}

/** A delivery as read: its queue, lease token and raw fields; whether it is a `wake` marker is decided here, once. */
export class Delivered {
  /** Job name from the fields ('' when missing). */
  readonly name: string;
  /** A `wake` marker (not a job): finished at once, never counted against the concurrency. */
  readonly marker: boolean;

  constructor(
    /** Keys of the queue the entry was read from. */
    readonly keys: QueueKeys,
    /** The lease token: entry id and delivery count. */
    readonly delivery: Delivery,
    /** The entry's raw fields (`id` set to the entry id when the entry has none and is not a marker). */
    readonly fields: Record<string, string>,
    /** Aborted from outside with a JobInterrupt reason (default: the run makes its own). */
    readonly interrupt?: RunSignal | undefined,
  ) {
    this.name = fields.name ?? '';
    this.marker = isWakeMarker(fields);
    // a job added straight to the stream has no `id` field: its entry id is its job id (decided here, once)
    if (!this.marker && fields.id === undefined) fields.id = delivery.entryId;
  }
}

/** Told how the runs of the deliveries it handed over go: one object for all runs (the pool), or one per runJob. */
export interface RunOwner {
  /**
   * True when the owner uses the handler's start and end times (`started`'s `at`, `settled`'s `endedAt`); default
   * false: the run reads the clock only for what it measures itself (durations, events).
   */
  readonly timesRuns?: boolean | undefined;
  /**
   * The handler is about to be called (after decoding and validation), at `at` (the clock's monotonic ms; 0 when
   * neither the owner, see `timesRuns`, nor the run uses the time).
   */
  started?(task: Delivered, at: number): void;
  /** The handler is over (returned, threw, timed out, interrupted) or never ran: stop renewing the lease. */
  settled?(task: Delivered, endedAt?: number): void;
  /** The run is over, exactly once: `err` set only when Redis stayed unreachable (the entry stays pending). */
  done(task: Delivered, err: unknown, result: RunJobResult | undefined): void;
}

/** What every run of one worker (or driver) shares; built once, not per job, with every default resolved. */
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
  /** Time source. */
  clock: Clock;
  /** Random source for backoff jitter. */
  random: () => number;
  /** Where plain successes are acknowledged. */
  acks: AckSink;
  /** Told how each run goes. */
  owner: RunOwner;
  /** Event sink (default none). */
  emit?: Emit | undefined;
  /** True when `event` has listeners (default: true when `emit` is set); no event payload is built otherwise. */
  listening?: ((event: WorkerEventName) => boolean) | undefined;
  /** Measure every handler's duration (default true); false: only when an event that carries it has listeners. */
  durations?: boolean | undefined;
  /** Level of the one line each succeeded job logs with its duration (default none: no line); see `successLevel`. */
  logSuccess?: 'info' | 'debug' | undefined;
  /** The lease in ms (a concurrency slot is held under it; default 30 s, the worker's default `lease`). */
  leaseMs?: number | undefined;
  /** Called after a retry of a job of `queue` was scheduled, with its delay (the worker wakes its promoter). */
  onRetry?: ((queue: string, delayMs: number) => void) | undefined;
  /** Retention of the jobs without their own `keep` (default none: nothing kept). */
  keep?: KeepOptions | undefined;
  /** Called when a `wake` marker of `queue` was finished (the worker wakes its promoter). */
  onMarker?: ((queue: string) => void) | undefined;
}

/** What happened to the delivery. */
export type RunOutcome =
  | 'succeeded'
  | 'retrying'
  | 'dead'
  | 'cancelled'
  | 'handed-back'
  | 'lease-lost'
  | 'marker'
  /** Flow control (docs/flow-control.md): waits for a concurrency slot; the handler did not run. */
  | 'queued'
  /** Flow control: over the rate limit, runs later; the handler did not run. */
  | 'delayed';

/** The result of a run. */
export interface RunJobResult {
  outcome: RunOutcome;
  /** Handler time in ms (0 when it did not run). */
  durationMs: number;
  /** The decision applied. */
  decision: Decision | undefined;
}
