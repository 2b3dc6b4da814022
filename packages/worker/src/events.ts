/**
 * Typed worker events: what happened to each job (started, succeeded, retrying, dead, lease lost, lost) and
 * errors of the background loops. A listener that throws is logged and never breaks a loop.
 */
import type { DeadReason } from '@sluice/core';
import type { JobEnvelope } from '@sluice/core/internal';

/** Fields every job event carries. */
export interface JobEventBase {
  /** Queue the job was read from. */
  queue: string;
  /** Job name. */
  name: string;
  /** The job's stable id. */
  jobId: string;
  /** 1-based attempt. */
  attempt: number;
  /** Stream entry id of this delivery. */
  entryId: string;
}

/**
 * The fields every job event carries, built here and nowhere else: `job` is the decoded envelope, or the entry's
 * raw fields as far as they go (name and id '' and attempt 0 when missing).
 */
export function jobEventBase(
  queue: string,
  entryId: string,
  job: Pick<JobEnvelope, 'name' | 'id' | 'attempt'> | Record<string, string>,
): JobEventBase {
  const { attempt } = job;
  return {
    queue,
    name: job.name ?? '',
    jobId: job.id ?? '',
    // an entry's raw fields: a fresh entry has no attempt field (it is attempt 1: core job.ts envelopeFields)
    attempt: typeof attempt === 'number' ? attempt : attempt === undefined ? 1 : Number(attempt) || 0,
    entryId,
  };
}

/**
 * {@link jobEventBase} of a decoded envelope with its handler time, as one literal: `job:succeeded` is sent once
 * per job when metrics are on, and `{ ...jobEventBase(), durationMs }` cost ~0.8 us per event on Node 20.
 */
export function timedJobEvent(
  queue: string,
  entryId: string,
  job: Pick<JobEnvelope, 'name' | 'id' | 'attempt'>,
  durationMs: number,
  startedAt: number,
): JobEventBase & Timed {
  return { queue, name: job.name, jobId: job.id, attempt: job.attempt, entryId, durationMs, startedAt };
}

/** The handler's time, on the events that end an attempt. */
export interface Timed {
  /** Handler time in ms (0 when it did not run, or nobody measured it). */
  durationMs: number;
  /**
   * Wall-clock ms (the worker's clock) when the handler was called; 0 when it did not run or nobody measured it.
   * With the entry id's time (when the job became ready) it gives the job's wait, without a `job:started` listener.
   */
  startedAt: number;
}

/** Every event and its payload. */
export interface WorkerEventMap {
  /** The handler is about to run. */
  'job:started': JobEventBase;
  /** The handler returned and the job was acknowledged. */
  'job:succeeded': JobEventBase & Timed;
  /** The attempt failed (or timed out); the job will run again as `nextAttempt` after `delayMs`. */
  'job:retrying': JobEventBase & Timed & { error: Error; delayMs: number; nextAttempt: number };
  /** The job went to the dead-letter stream. */
  'job:dead': JobEventBase & Timed & { reason: DeadReason; error: string };
  /** An operator cancelled the running job (`ctx.signal` was aborted); it was recorded as cancelled, not retried. */
  'job:cancelled': JobEventBase & Timed;
  /** The handler reported progress (`ctx.progress`); `progress` is the value stored. */
  'job:progress': JobEventBase & { progress: number | Record<string, unknown> };
  /** This worker no longer owns the job (another worker reclaimed it); `during` says when that was found. */
  'job:lease-lost': JobEventBase & { during: 'renew' | 'finish' };
  /**
   * The job could not start: a global or per-key concurrency slot is busy (docs/flow-control.md). It waits in the
   * delayed set until a slot is handed to it (or, as a fallback, `dueAt`); the attempt is not counted.
   */
  'job:queued': JobEventBase & { dueAt: number | undefined };
  /** The job is over its rate limit: it runs at `dueAt` (epoch ms), when the window has room; not an attempt. */
  'job:delayed': JobEventBase & { dueAt: number | undefined };
  /** This worker reclaimed the job from a dead or hung worker's pending list (`deliveries` counts this one). */
  'job:reclaimed': JobEventBase & { deliveries: number };
  /** A pending entry was deleted from the stream (trimmed) before it finished: the job is gone. */
  'job:lost': { queue: string; entryId: string; reason: 'trimmed' };
  /** A background loop failed (it keeps going). */
  'worker:error': { error: Error; where: string };
}

/** An event name. */
export type WorkerEventName = keyof WorkerEventMap;

/** A listener of event `K`. */
export type WorkerListener<K extends WorkerEventName> = (payload: WorkerEventMap[K]) => void;

/** Emits events; the part of {@link WorkerEvents} that components use. */
export type Emit = <K extends WorkerEventName>(event: K, payload: WorkerEventMap[K]) => void;

/**
 * A small typed event emitter. The listeners of an event are kept in an array replaced on every on/off (never
 * changed in place), so emit walks it without a copy: a listener added or removed during an emit takes effect
 * from the next one.
 */
export class WorkerEvents {
  private readonly listeners = new Map<WorkerEventName, ReadonlyArray<(payload: never) => void>>();

  constructor(private readonly onListenerError: (err: unknown, event: WorkerEventName) => void = () => {}) {}

  /** Add a listener; returns a function that removes it. */
  on<K extends WorkerEventName>(event: K, listener: WorkerListener<K>): () => void {
    const l = listener as (payload: never) => void;
    const list = this.listeners.get(event) ?? [];
    if (!list.includes(l)) this.listeners.set(event, [...list, l]);
    return () => this.off(event, listener);
  }

  /** Remove a listener. */
  off<K extends WorkerEventName>(event: K, listener: WorkerListener<K>): void {
    const list = this.listeners.get(event);
    if (!list?.includes(listener as (payload: never) => void)) return;
    const rest = list.filter((x) => x !== listener);
    if (rest.length > 0) this.listeners.set(event, rest);
    else this.listeners.delete(event);
  }

  /** True when `event` has at least one listener. */
  readonly listening = (event: WorkerEventName): boolean => this.listeners.has(event);

  /** Call every listener of `event` with `payload`. */
  readonly emit: Emit = (event, payload) => {
    const list = this.listeners.get(event);
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as (p: typeof payload) => void)(payload);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  };
}
