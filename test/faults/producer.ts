/**
 * The producer of a fault run: enqueues jobs with idempotency keys, retrying a failed call with the same key,
 * and counts an enqueue as acknowledged only when its promise resolved. Also writes the poison inputs.
 */
import { JobValidationError, type Sluice } from '@sluice/core';
import { sleep } from '../wait.js';
import { keyOf, type Payload, QUEUE, workJob } from './jobs.js';
import type { RunContext } from './run-context.js';

/** Poison input mixed into a run, and the dead-letter reason each must end with. */
export type PoisonKind = 'bad-json' | 'bad-schema' | 'oversized-api' | 'oversized-raw' | 'malformed' | 'exit';

/** The dead-letter reason each poison kind ends with (or refused by enqueue, nothing written). */
export const POISON_REASON: Record<PoisonKind, string | 'rejected-at-enqueue'> = {
  'bad-json': 'invalid',
  'bad-schema': 'invalid',
  'oversized-api': 'rejected-at-enqueue',
  'oversized-raw': 'invalid',
  malformed: 'invalid',
  exit: 'poison',
};

/** Enqueues the jobs of a run and remembers which were acknowledged. */
export class Producer {
  /** Keys whose enqueue resolved (or whose raw XADD returned), with the time. */
  readonly acked = new Map<string, number>();
  /** Keys whose enqueue was attempted. */
  readonly attempted = new Set<string>();
  /** Keys refused at enqueue with a validation error (nothing written). */
  readonly rejected = new Set<string>();
  /** Enqueue calls that failed and were retried with the same idempotency key. */
  retries = 0;

  constructor(
    private readonly ctx: RunContext,
    /** The producer's own connection. */
    readonly sluice: Sluice,
  ) {}

  /**
   * Enqueue job `n` with idempotency key `job-<n>`, retrying a failed call with the same key (a call cut by a
   * Redis restart may or may not have been applied: the key makes the retry safe) for up to `deadlineMs`.
   * Acknowledged only when a call resolved.
   */
  async enqueue(n: number, payload: Payload, deadlineMs = 60_000): Promise<void> {
    const key = keyOf(n);
    this.attempted.add(key);
    const job = workJob();
    const end = Date.now() + deadlineMs;
    for (let i = 0; i < 1000; i++) {
      try {
        await this.sluice.enqueue(job, payload, { key, priority: payload.prio, group: payload.tenant });
        this.acked.set(key, Date.now());
        return;
      } catch (e) {
        if (e instanceof JobValidationError) {
          this.rejected.add(key);
          return;
        }
        if (Date.now() > end) return;
        this.retries++;
        await sleep(100 + Math.random() * 100);
      }
    }
  }

  /** Enqueue jobs `from` .. `from + count - 1` of `ms` each at once (all in flight together). */
  async enqueueAll(from: number, count: number, ms: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, (_, i) => this.enqueue(from + i, { n: from + i, ms })));
  }

  /** Enqueue jobs `from` .. `from + count - 1`, spread evenly over `spreadMs`, at most 64 calls in flight. */
  async produce(from: number, count: number, spreadMs: number, jobMs: readonly [number, number]): Promise<void> {
    const start = Date.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < count; i++) {
      const due = start + (spreadMs * i) / count;
      if (due > Date.now()) await sleep(due - Date.now());
      while (inFlight.size >= 64) await Promise.race(inFlight);
      const ms = jobMs[0] + Math.floor(Math.random() * (jobMs[1] - jobMs[0] + 1));
      const p = this.enqueue(from + i, { n: from + i, ms }).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }

  /** Write one poison input as job `n`; acknowledged like any enqueue. */
  async poison(kind: PoisonKind, n: number): Promise<void> {
    const key = keyOf(n);
    const s = this.ctx.keys.stream;
    const raw = async (fields: string[]) => {
      this.attempted.add(key);
      await this.ctx.admin.connection.send(['XADD', s, '*', ...fields], s);
      this.acked.set(key, Date.now());
    };
    const base = (data: string) => ['id', `poison-${n}`, 'name', QUEUE, 'data', data, 'attempt', '1', 'key', key];
    const big = 'x'.repeat(1024 * 1024 + 512 * 1024);
    switch (kind) {
      case 'bad-json':
        return raw([...base(`{"n":${n},"ms":`), 'enqueuedAt', String(Date.now())]);
      case 'oversized-raw':
        return raw([...base(JSON.stringify({ n, ms: 1, pad: big })), 'enqueuedAt', String(Date.now())]);
      case 'malformed':
        return raw(['key', key, 'junk', 'no id, name or data']);
      case 'bad-schema': {
        this.attempted.add(key);
        await this.sluice.enqueue(QUEUE, { n, ms: 'slow' }, { key });
        this.acked.set(key, Date.now());
        return;
      }
      case 'oversized-api':
        return this.enqueue(n, { n, ms: 1, pad: big });
      case 'exit':
        return this.enqueue(n, { n, ms: 0, exit: true });
    }
  }
}
