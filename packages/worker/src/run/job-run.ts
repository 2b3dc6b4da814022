/**
 * One run of a decoded delivery as a small state machine with no promise of its own. Its `phase`:
 * - `ready`: decoded and validated, the handler not called yet;
 * - `running`: the handler was called and is not over;
 * - `recording`: the handler returned or threw (or never ran): the outcome is being recorded;
 * - `cut-short`: an interrupt (timeout, shutdown, lease lost) ended the run while the handler ran; the outcome
 *   is being recorded, and whatever the handler does later is a late result.
 * Every transition is recorded by transitions.ts; a plain success goes to the ack batcher, which answers
 * {@link JobRun.acked}. The pool runs thousands of these a second; each costs the handler's own promise, one
 * reaction on it and this object.
 */
import type { AnyJob } from '@sluice/core';
import {
  encodeProgress,
  encodeResult,
  type Fenced,
  GROUP,
  type JobEnvelope,
  keepLimits,
  type ProgressValue,
  reportProgress,
  type Telemetry,
} from '@sluice/core/internal';
import type { Logger } from 'pino';
import { endProcess, inProcess, type ProcessOp, processTraceparent, startProcess } from '../telemetry/process-span.js';
import { type Attempt, classify, type Decision } from './decision.js';
import { JobInterrupt } from './errors.js';
import { type ContextSource, JobCtx } from './handler-context.js';
import { RunSignal } from './run-signal.js';
import type { AckReceiver, Delivered, RunShared } from './run-types.js';
import { ackRecorded, lateResult, listens, recordDecision, runEvent } from './transitions.js';

const ACK: Decision = Object.freeze({ kind: 'ack' });
const OK: Attempt = Object.freeze({ ok: true });

/** Where a run is: see the file's doc. */
export type RunPhase = 'ready' | 'running' | 'recording' | 'cut-short';

/** The run of one delivery whose envelope is decoded. */
export class JobRun implements AckReceiver, ContextSource {
  /** Where the run is. */
  phase: RunPhase = 'ready';
  /** The run's abort source: the task's interrupt when given (timeout aborts it too). */
  readonly interrupt: RunSignal;
  /** Handler time in ms (0 when it did not run or nobody wants it). */
  durationMs = 0;
  /** Wall-clock ms when the handler was called (0 when it did not run or nobody wants it). */
  startedAtMs = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Monotonic ms when the handler was called, or -1 when its duration is not measured. */
  private startedAt = -1;
  /** Monotonic ms when the handler ended (undefined until it did), handed to the owner's `settled`. */
  private endedAt: number | undefined;
  private logger: Logger | undefined;
  /** The OpenTelemetry process operation while the handler runs (only with telemetry). */
  private otel: ProcessOp | undefined;

  constructor(
    /** What every run shares. */
    readonly shared: RunShared,
    /** The delivery. */
    readonly task: Delivered,
    /** Its decoded envelope (as far as it goes when decoding failed). */
    readonly envelope: JobEnvelope,
    /** Its job definition (undefined when this worker has no handler for it). */
    readonly job: AnyJob | undefined,
  ) {
    this.interrupt = task.interrupt ?? new RunSignal();
  }

  /** The run's AbortSignal (made on first read). */
  get signal(): AbortSignal {
    return this.interrupt.signal;
  }

  /** The logger bound to queue, job, id and attempt (made on first use: most runs never log). */
  log(): Logger {
    this.logger ??= this.shared.log.child({
      queue: this.task.keys.queue,
      job: this.envelope.name,
      jobId: this.envelope.id,
      attempt: this.envelope.attempt,
    });
    return this.logger;
  }

  /** ready -> running: call the handler with `payload` (the run must have a job). */
  invoke(payload: unknown): void {
    const { shared, task, envelope, interrupt } = this;
    const job = this.job as AnyJob;
    if (interrupt.aborted) {
      this.settle(false, interrupt.reason);
      return;
    }
    this.phase = 'running';
    interrupt.owner = this;
    if (job.timeout !== undefined) {
      const ms = job.timeout;
      this.timer = setTimeout(
        () => interrupt.abort(new JobInterrupt('timeout', `job "${envelope.name}" timed out after ${ms} ms`)),
        ms,
      );
    }
    if (listens(shared, 'job:started')) shared.emit?.('job:started', runEvent(this));
    const measured =
      shared.durations !== false ||
      listens(shared, 'job:succeeded') ||
      listens(shared, 'job:retrying') ||
      listens(shared, 'job:dead');
    // the clock is read only when someone uses the time (0: not taken)
    const at = measured || shared.owner.timesRuns ? shared.clock.monotonic() : 0;
    shared.owner.started?.(task, at);
    if (measured) {
      this.startedAt = at;
      this.startedAtMs = shared.clock.now();
    }
    let r: unknown;
    const t = shared.enqueueCtx.telemetry;
    try {
      const ctx = new JobCtx(envelope, task.keys.queue, this, shared.enqueueCtx);
      if (t) {
        const op = startProcess(t, {
          queue: task.keys.queue,
          group: GROUP,
          job: envelope.name,
          id: envelope.id,
          attempt: envelope.attempt,
          trace: envelope.trace,
        });
        this.otel = op;
        r = op.context ? inProcess(t, op, () => job.handler(payload, ctx)) : job.handler(payload, ctx);
      } else r = job.handler(payload, ctx);
    } catch (error) {
      this.settle(false, error);
      return;
    }
    if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
      (r as PromiseLike<unknown>).then(
        (value: unknown) => this.settle(true, undefined, value),
        (error: unknown) => this.settle(false, error),
      );
    } else this.settle(true, undefined, r);
  }

  /** running -> cut-short: the signal was aborted (timeout, shutdown, lease lost); the run is over now. */
  interrupted(reason: unknown): void {
    if (this.phase !== 'running') return;
    this.phase = 'cut-short';
    this.handlerOver(false, reason);
    this.finish({ ok: false, error: reason, phase: 'handler' });
  }

  /** The handler returned or threw: record once (-> recording); after a cut-short run it is a late result. */
  private settle(ok: boolean, error: unknown, value?: unknown): void {
    if (this.phase === 'cut-short') {
      const why = this.interrupt.reason;
      if (why instanceof JobInterrupt && error !== why) lateResult(this, why, ok, error);
      return;
    }
    if (this.phase === 'recording') return;
    this.phase = 'recording';
    this.handlerOver(ok, error);
    if (ok) this.keepResult(value);
    this.finish(ok ? OK : { ok: false, error, phase: 'handler' });
  }

  /** With retention of completed jobs on for this job, its ack keeps the record with `value` (encoded once). */
  private keepResult(value: unknown): void {
    const keep = this.job?.keep ?? this.shared.keep;
    if (keep === undefined) return;
    const limits = keepLimits(keep, 'completed');
    if (limits)
      this.task.delivery.keep = { ...limits, result: encodeResult(value, this.shared.enqueueCtx.maxPayloadBytes) };
  }

  /**
   * `ctx.progress(value)`: check it, store it with the running job (fenced: one EVALSHA) and emit `job:progress`.
   * Rejects for a bad value or once the run is over; a report the fence refuses (the lease was lost) is dropped.
   */
  async progress(value: unknown): Promise<void> {
    const json = encodeProgress(value);
    if (this.phase !== 'running')
      throw new Error(`ctx.progress: job ${this.envelope.id} is no longer running; report progress before returning`);
    const { shared, task } = this;
    task.delivery.progressed = true; // its finish removes the entry
    const r = await reportProgress(shared.exec, task.keys, shared.consumer, task.delivery, this.envelope.id, json);
    if (r.ok && listens(shared, 'job:progress'))
      shared.emit?.('job:progress', { ...runEvent(this), progress: value as ProgressValue });
  }

  /** The process span's context as a traceparent, for a push POST (undefined when not traced). */
  traceparent(): string | undefined {
    const t = this.shared.enqueueCtx.telemetry;
    return t ? processTraceparent(t, this.otel) : undefined;
  }

  /** The handler is over: stop its timer, detach from the signal, take its duration if measured, end its span. */
  private handlerOver(ok: boolean, error: unknown): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.otel) endProcess(this.shared.enqueueCtx.telemetry as Telemetry, this.otel, !ok, error);
    if (this.interrupt.owner === this) this.interrupt.owner = undefined;
    if (this.startedAt < 0 && !this.shared.owner.timesRuns) return;
    const end = this.shared.clock.monotonic();
    this.endedAt = end;
    if (this.startedAt >= 0) this.durationMs = end - this.startedAt;
  }

  /** Decide what `attempt` means and record it (the handler is over, or never ran). */
  finish(attempt: Attempt): void {
    const { shared, task } = this;
    if (this.phase === 'ready') this.phase = 'recording';
    shared.owner.settled?.(task, this.endedAt);
    const decision = attempt.ok ? ACK : classify(this.envelope, this.job, attempt, shared.clock.now(), shared.random);
    if (decision.kind === 'ack') {
      shared.acks.add(task.keys, task.delivery, this);
      return;
    }
    recordDecision(this, decision).then(
      (outcome) => shared.owner.done(task, undefined, { outcome, durationMs: this.durationMs, decision }),
      (err: unknown) => shared.owner.done(task, err, undefined),
    );
  }

  /** The ack batcher's answer. */
  acked(err: unknown, result: Fenced | undefined): void {
    const { shared, task } = this;
    if (!result) shared.owner.done(task, err, undefined);
    else
      shared.owner.done(task, undefined, {
        outcome: ackRecorded(this, result),
        durationMs: this.durationMs,
        decision: ACK,
      });
  }
}
