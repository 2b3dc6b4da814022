/**
 * One run of a decoded delivery as a small state machine with no promise of its own: call the handler, settle
 * once (handler returned or threw, timeout, interrupt), classify, record the outcome (a plain success goes to
 * the ack batcher), tell the task. The pool runs thousands of these a second; each costs the handler's own
 * promise, one reaction on it and this object.
 */
import { type AnyJob, type Fenced, type JobEnvelope, systemClock } from '@sluice/core';
import type { Logger } from 'pino';
import { type Attempt, classify, type Decision } from './decision.js';
import { JobInterrupt } from './errors.js';
import { type ContextSource, JobCtx } from './handler-context.js';
import { RunSignal } from './run-signal.js';
import type { AckReceiver, RunShared, RunTask } from './run-types.js';
import { applyDecision, fenceRejected, identity, lateResult, listens } from './transitions.js';

const ACK: Decision = Object.freeze({ kind: 'ack' });
const OK: Attempt = Object.freeze({ ok: true });

/** The run of one delivery whose envelope is decoded. */
export class JobRun implements AckReceiver, ContextSource {
  /** The run's abort source: the task's interrupt when given (timeout aborts it too). */
  readonly sig: RunSignal;
  private settled = false;
  private cutShort: unknown;
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  /** The handler was called and its duration is wanted. */
  private ran = false;
  private durationMs = 0;
  private child: Logger | undefined;

  constructor(
    private readonly s: RunShared,
    private readonly t: RunTask,
    private readonly env: JobEnvelope,
    private readonly job: AnyJob | undefined,
  ) {
    this.sig = t.interrupt ?? new RunSignal();
  }

  /** The run's AbortSignal (made on first read). */
  get signal(): AbortSignal {
    return this.sig.signal;
  }

  /** The logger bound to queue, job, id and attempt (made on first use: most runs never log). */
  log(): Logger {
    this.child ??= this.s.log.child({
      queue: this.t.keys.queue,
      job: this.env.name,
      jobId: this.env.id,
      attempt: this.env.attempt,
    });
    return this.child;
  }

  /** Call the handler with `payload` (the run must have a job). */
  invoke(payload: unknown): void {
    const { s, t, env } = this;
    const job = this.job as AnyJob;
    if (this.sig.aborted) {
      this.settle(false, this.sig.reason);
      return;
    }
    this.sig.owner = this;
    if (job.timeout !== undefined) {
      const ms = job.timeout;
      this.timer = setTimeout(
        () => this.sig.abort(new JobInterrupt('timeout', `job "${job.name}" timed out after ${ms} ms`)),
        ms,
      );
    }
    if (listens(s, 'job:started')) s.emit?.('job:started', identity(t, env));
    t.onStart?.();
    this.ran =
      s.durations !== false || listens(s, 'job:succeeded') || listens(s, 'job:retrying') || listens(s, 'job:dead');
    if (this.ran) this.started = (s.clock ?? systemClock).monotonic();
    let r: unknown;
    try {
      r = job.handler(payload, new JobCtx(env, t.keys.queue, this, s.enqueueCtx));
    } catch (error) {
      this.settle(false, error);
      return;
    }
    if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
      (r as PromiseLike<unknown>).then(
        () => this.settle(true, undefined),
        (error: unknown) => this.settle(false, error),
      );
    } else this.settle(true, undefined);
  }

  /** The signal was aborted (timeout, shutdown, lease lost): the run is over now, whatever the handler does. */
  interrupted(reason: unknown): void {
    if (this.settled) return;
    this.cutShort = reason;
    this.settle(false, reason);
  }

  /** The handler is over (or cut short): record once; a later result of a cut-short handler is a late result. */
  private settle(ok: boolean, error: unknown): void {
    if (this.settled) {
      if (this.cutShort instanceof JobInterrupt && error !== this.cutShort)
        lateResult(this.s, this.t, this.env, this.cutShort, ok, error, this);
      return;
    }
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.sig.owner === this) this.sig.owner = undefined;
    // Interrupted before the handler was called (it took no time), or nobody wants the duration.
    if (this.ran) this.durationMs = (this.s.clock ?? systemClock).monotonic() - this.started;
    this.finish(ok ? OK : { ok: false, error, phase: 'handler' });
  }

  /** Classify `attempt` and record the decision (the handler is over, or never ran). */
  finish(attempt: Attempt): void {
    const { s, t, env } = this;
    t.onSettled?.();
    const decision = attempt.ok ? ACK : classify(env, this.job, attempt, (s.clock ?? systemClock).now(), s.random);
    if (decision.kind === 'ack') {
      s.ack(t.keys, t.delivery, this);
      return;
    }
    const durationMs = this.durationMs;
    applyDecision(s, t, env, decision, durationMs, this).then(
      (outcome) => t.onDone(undefined, { outcome, durationMs, decision }),
      (err: unknown) => t.onDone(err, undefined),
    );
  }

  /** The ack batcher's answer. */
  acked(err: unknown, r: Fenced | undefined): void {
    const { s, t, env, durationMs } = this;
    if (!r) {
      t.onDone(err, undefined);
      return;
    }
    if (!r.ok) {
      t.onDone(undefined, {
        outcome: fenceRejected(s, t, env, 'ack', r.lost, this),
        durationMs,
        decision: ACK,
      });
      return;
    }
    if (listens(s, 'job:succeeded')) s.emit?.('job:succeeded', { ...identity(t, env), durationMs });
    t.onDone(undefined, { outcome: 'succeeded', durationMs, decision: ACK });
  }
}
