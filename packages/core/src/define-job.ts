/** defineJob(): a pure description of a job that carries its literal name and payload type to `enqueue`. */
import { assertBackoff, type Backoff } from './backoff.js';
import { SluiceArgumentError } from './errors.js';
import {
  type ConcurrencyLimits,
  type DebounceOptions,
  type EnqueueLimit,
  type RateLimit,
  resolveEnqueueLimit,
  resolveStartLimits,
  type SkipReason,
  type StartLimits,
  type ThrottleOptions,
} from './flow.js';
import { assertKeep, type KeepOptions } from './keep-options.js';
import { assertJobName, assertQueueName } from './keys.js';
import { assertPriority, type Priority } from './lanes.js';
import { DEFAULTS } from './options.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** One logging method, compatible with pino's. */
export interface LogFn {
  (msg: string, ...args: unknown[]): void;
  (obj: object, msg?: string, ...args: unknown[]): void;
}

/** The logger handed to handlers: a pino child bound to queue, job name, job id and attempt. */
export interface JobLogger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
}

/** What `enqueue` returns. */
export interface EnqueueResult {
  /**
   * The job's stable id (kept across retries): for a job added now its stream entry id (`1732450000000-0`), for a
   * delayed one a generated UUID.
   */
  id: string;
  /** True when an idempotency key matched an earlier job: `id` is that job's, and nothing was written. */
  deduplicated: boolean;
  /** The queue it went to (set by enqueue and enqueueMany): with `id`, the handle `waitFor` takes. */
  queue?: string;
  /**
   * Set when flow control wrote no new job (docs/flow-control.md): `debounced` (this payload replaced the pending
   * run's, `id` is that run's) or `throttled` (a run of the key was already enqueued within the period; `id` is
   * that run's). Default: absent (the job was written).
   */
  skipped?: SkipReason;
}

/** Options of one enqueue. */
export interface EnqueueOptions {
  /** Run no sooner than this many ms from now (or a duration like `10s`). Default: at once. */
  delay?: number | string;
  /** Run no sooner than this time. Default: at once. Exclusive with `delay`. */
  at?: Date | number;
  /** Idempotency key: a second enqueue with the same key within `keyTtl` returns the first job's id. Default none. */
  key?: string;
  /** How long the idempotency key lasts, in ms (default 24 h). */
  keyTtl?: number;
  /** W3C traceparent to carry to the handler. Default none. */
  trace?: string;
  /** Queue to put the job on. Default: the job's queue. */
  queue?: string;
  /** Priority of this job (high, normal, low; docs/flow-control.md "Priorities"). Default: the job's, else normal. */
  priority?: Priority;
  /** Fair group key: served round-robin with other keys (docs/flow-control.md "Fair groups"). Default: the job's `group(payload)`, else none. */
  group?: string;
  /** Debounce this enqueue (docs/flow-control.md); `false` turns the job's off. Default: the job's `debounce`. */
  debounce?: DebounceOptions<unknown> | false;
  /** Throttle this enqueue (docs/flow-control.md); `false` turns the job's off. Default: the job's `throttle`. */
  throttle?: ThrottleOptions<unknown> | false;
}

/** Enqueue a job from inside a handler (to chain jobs). */
export type ChainEnqueue = <J extends AnyJob>(
  job: J,
  payload: JobInput<J>,
  options?: EnqueueOptions,
) => Promise<EnqueueResult>;

/** What a handler receives beside its payload. */
export interface JobContext {
  /** The job's stable id. */
  readonly jobId: string;
  /** The job's name. */
  readonly name: string;
  /** The queue it was read from. */
  readonly queue: string;
  /** 1 on the first run, 2 on the first retry, ... */
  readonly attempt: number;
  /** Aborted on timeout, on shutdown past the grace period, when the lease is lost, or when an operator cancels the job. */
  readonly signal: AbortSignal;
  /** Logger bound to queue, job name, job id and attempt. */
  readonly log: JobLogger;
  /** Enqueue another job (same connection and prefix). */
  readonly enqueue: ChainEnqueue;
  /** W3C traceparent given at enqueue, if any. */
  readonly trace: string | undefined;
  /**
   * Report progress: a number from 0 to 100, or a small JSON object (at most 4096 bytes). Stored with the running
   * job (one Redis command per call: call it as often as you like to pay), shown by getJob and `sluice job show`,
   * emitted as `job:progress`, removed when the job finishes. Throws SluiceArgumentError for a bad value.
   */
  progress(value: number | Record<string, unknown>): Promise<void>;
}

/** A cron schedule: the worker enqueues the job once per tick, however many workers run. */
export interface JobSchedule<Payload> {
  /** Five fields (minute precision) or six (seconds first). */
  cron: string;
  /** IANA time zone (default `UTC`). */
  tz?: string;
  /** Payload of every scheduled run (default `{}` cast to the payload type). */
  payload?: Payload;
}

/** Retry policy of a job. */
export interface RetryOptions {
  /** Total attempts including the first (default 3). 1 = never retry. */
  attempts?: number;
  /** Delay between attempts (default exponential from 1 s, max 1 h, 20% jitter). */
  backoff?: Backoff;
}

/** A job definition as written by the user. */
export interface JobSpec<Name extends string, Input, Output, Result> {
  /** Unique job name; also the default queue. */
  name: Name;
  /** Queue to run on (default: the job's name). Several jobs may share a queue. */
  queue?: string;
  /** Standard Schema v1 validator of the payload (default: none, any JSON). */
  schema?: StandardSchemaV1<Input, Output>;
  /** Retry policy (default 3 attempts, exponential backoff). */
  retry?: RetryOptions;
  /** Milliseconds before the handler's signal aborts and the attempt fails (default: no limit). */
  timeout?: number;
  /**
   * Most runs at once: a number is per worker (default: the worker's concurrency); `{ global, perKey, key }`
   * limits runs across all workers (docs/flow-control.md). Default: no limit beyond the worker's.
   */
  concurrency?: number | ConcurrencyLimits<Input>;
  /** At most `limit` starts per `period` across all workers; the excess is delayed (default: no limit). */
  rateLimit?: RateLimit<Input>;
  /** One run with the last payload after a quiet period (default: off); see docs/flow-control.md. */
  debounce?: DebounceOptions<Input>;
  /** At most one run per period per key; the other enqueues are skipped (default: off). */
  throttle?: ThrottleOptions<Input>;
  /** Cron schedule (default none). */
  schedule?: JobSchedule<Input>;
  /** Keep finished jobs of this job for getJob and `waitFor` (default: the worker's `keep`, else none). */
  keep?: KeepOptions;
  /** Priority of every run (high, normal, low; an enqueue may override it). Default normal. */
  priority?: Priority;
  /** Fair group key of a payload: jobs are served round-robin across keys (default none: no group). */
  group?: (payload: Input) => string;
  /** The code that runs the job. */
  handler: (payload: Output, ctx: JobContext) => Result | Promise<Result>;
}

/** A resolved job definition: what enqueue, workers and drivers consume. */
export interface JobDefinition<Name extends string = string, Input = unknown, Output = Input, Result = unknown> {
  /** Marks a value as a Sluice job (module loaders look for it). */
  readonly kind: 'sluice.job';
  readonly name: Name;
  readonly queue: string;
  readonly schema: StandardSchemaV1<Input, Output> | undefined;
  readonly attempts: number;
  readonly backoff: Backoff;
  readonly timeout: number | undefined;
  /** Most runs at once in one worker (undefined: the worker's concurrency). */
  readonly concurrency: number | undefined;
  /** Global and per-key concurrency and the rate limit, checked when a run starts (undefined: none). */
  readonly limits: StartLimits | undefined;
  /** Debounce at enqueue (undefined: none). */
  readonly debounce: EnqueueLimit | undefined;
  /** Throttle at enqueue (undefined: none). */
  readonly throttle: EnqueueLimit | undefined;
  readonly schedule: JobSchedule<Input> | undefined;
  readonly keep: KeepOptions | undefined;
  readonly priority: Priority | undefined;
  readonly group: ((payload: Input) => string) | undefined;
  readonly handler: (payload: Output, ctx: JobContext) => Result | Promise<Result>;
  /** Phantom: the payload type `enqueue` accepts. Never set at run time. */
  readonly __input?: Input;
}

/** Any job definition. */
// biome-ignore lint/suspicious/noExplicitAny: the handler's payload is contravariant; `any` keeps every job assignable.
export type AnyJob = JobDefinition<string, any, any, any>;

/** The payload type `enqueue` takes for a job. */
export type JobInput<J> = J extends JobDefinition<string, infer I, infer _O, infer _R> ? I : never;

const positiveInt = (v: unknown, field: string, job: string) => {
  if (v !== undefined && !(Number.isInteger(v) && (v as number) > 0)) {
    throw new SluiceArgumentError(`job "${job}": ${field} must be a positive integer; got ${JSON.stringify(v)}`);
  }
};

/** Describe a job validated by `schema`: enqueue takes the schema's input type, the handler gets its output. */
export function defineJob<const Name extends string, Input, Output, Result = unknown>(
  spec: JobSpec<Name, Input, Output, Result> & { schema: StandardSchemaV1<Input, Output> },
): JobDefinition<Name, Input, Output, Result>;
/** Describe a job without a schema: the payload type is the handler's parameter type. */
export function defineJob<const Name extends string, Payload, Result = unknown>(
  spec: Omit<JobSpec<Name, Payload, Payload, Result>, 'schema'> & { schema?: undefined },
): JobDefinition<Name, Payload, Payload, Result>;
/** Describe a job. Pure: validates the options and returns a frozen definition. */
export function defineJob<const Name extends string, Input, Output, Result>(
  spec: JobSpec<Name, Input, Output, Result>,
): JobDefinition<Name, Input, Output, Result> {
  assertJobName(spec?.name, 'defineJob: name');
  const name = spec.name;
  assertQueueName(
    spec.queue ?? name,
    spec.queue === undefined ? `job "${name}": name (the default queue)` : `job "${name}": queue`,
  );
  if (typeof spec.handler !== 'function') throw new SluiceArgumentError(`job "${name}": handler must be a function`);
  if (spec.schema !== undefined && typeof spec.schema?.['~standard']?.validate !== 'function') {
    throw new SluiceArgumentError(`job "${name}": schema must implement Standard Schema v1 (zod, valibot, arktype...)`);
  }
  positiveInt(spec.retry?.attempts, 'retry.attempts', name);
  positiveInt(spec.timeout, 'timeout', name);
  const flow = resolveStartLimits(name, spec.concurrency, spec.rateLimit);
  const debounce = resolveEnqueueLimit(`job "${name}"`, 'debounce', spec.debounce);
  const throttle = resolveEnqueueLimit(`job "${name}"`, 'throttle', spec.throttle);
  if (spec.retry?.backoff !== undefined) assertBackoff(spec.retry.backoff, `job "${name}": retry.backoff`);
  assertKeep(spec.keep, `job "${name}": keep`);
  assertPriority(spec.priority, `job "${name}": priority`);
  if (spec.group !== undefined && typeof spec.group !== 'function') {
    throw new SluiceArgumentError(`job "${name}": group must be a function (payload) => string`);
  }
  if (spec.group !== undefined && spec.priority !== undefined && spec.priority !== 'normal') {
    throw new SluiceArgumentError(`job "${name}": group and priority cannot be combined (grouped jobs run at normal)`);
  }
  const limited = debounce ?? throttle;
  const lane =
    spec.group !== undefined
      ? 'group'
      : spec.priority !== undefined && spec.priority !== 'normal'
        ? 'priority'
        : undefined;
  if (limited && lane) {
    throw new SluiceArgumentError(
      `job "${name}": ${limited.kind} and ${lane} cannot be combined (docs/flow-control.md)`,
    );
  }
  if (spec.schedule !== undefined && typeof spec.schedule?.cron !== 'string') {
    throw new SluiceArgumentError(`job "${name}": schedule.cron must be a cron expression string`);
  }
  return Object.freeze({
    kind: 'sluice.job' as const,
    name,
    queue: spec.queue ?? name,
    schema: spec.schema,
    attempts: spec.retry?.attempts ?? DEFAULTS.attempts,
    backoff: spec.retry?.backoff ?? DEFAULTS.backoff,
    timeout: spec.timeout,
    concurrency: flow.perWorker,
    limits: flow.limits,
    debounce,
    throttle,
    schedule: spec.schedule,
    keep: spec.keep,
    priority: spec.priority,
    group: spec.group,
    handler: spec.handler,
  });
}

/** True when `value` is a job definition made by {@link defineJob}. */
export function isJobDefinition(value: unknown): value is AnyJob {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'sluice.job';
}

export { assertKeep, type KeepLimit, type KeepOptions, keepLimits } from './keep-options.js';
