/** What each implementation under test (raw loop, Sluice, BullMQ) provides to the scenarios. */
import type { BenchPayload } from '../payload.js';

/**
 * Implementations compared. `sluice-timer` is Sluice with @redis/client's per-command timeout armed (5000 ms);
 * `sluice-metrics` is Sluice with Prometheus metrics on, its registry collected every second; `sluice-otel` is
 * Sluice with an OpenTelemetry SDK registered that samples nothing. Flow control (docs/flow-control.md):
 * `sluice-perkey` runs the job with `concurrency: { perKey: 1 }` over 1,000 keys (`i % 1000`); `sluice-rate` with
 * a global `rateLimit` of {@link FLOW_RATE} starts per second. `sluice-all` (idle scenario) has every wave-2 feature
 * on at once: metrics, OpenTelemetry, retention, concurrency and rate limits, a cron schedule, priority and fair lanes.
 */
export const IMPLS = ['raw', 'sluice', 'bullmq'] as const;
/** Every implementation name, the Sluice variants included. */
export const ALL_IMPLS = [
  ...IMPLS,
  'sluice-timer',
  'sluice-metrics',
  'sluice-otel',
  'sluice-perkey',
  'sluice-rate',
  'sluice-all',
] as const;
export type ImplName = (typeof ALL_IMPLS)[number];

/** Starts per second of the `sluice-rate` variant's global rate limit. */
export const FLOW_RATE = 2000;

/** Keys of the `sluice-perkey` variant's per-key concurrency 1. */
export const FLOW_KEYS = 1000;

/** The queue (BullMQ, Sluice) or stream (raw) every scenario uses. */
export const QUEUE = 'bench';

/** A producer: enqueue one job, or a batch in one call. */
export interface Producer {
  add(p: BenchPayload): Promise<unknown>;
  addBatch(ps: readonly BenchPayload[]): Promise<unknown>;
  close(): Promise<void>;
}

/** Options of a worker under test. */
export interface WorkerSpec {
  concurrency: number;
  /** Called at the start of each handler with the decoded payload; the handler is otherwise a no-op. */
  onJob: (p: BenchPayload) => void;
}

/** A running worker. */
export interface RunningWorker {
  close(): Promise<void>;
}

/** One implementation. */
export interface Impl {
  name: ImplName;
  producer(url: string): Promise<Producer>;
  worker(url: string, spec: WorkerSpec): Promise<RunningWorker>;
}

/** Load an implementation by name (lazily, so a child imports only what it runs). */
export async function loadImpl(name: ImplName): Promise<Impl> {
  if (name === 'raw') return (await import('./raw.js')).raw;
  if (name === 'bullmq') return (await import('./bullmq.js')).bullmq;
  const { sluice } = await import('./sluice.js');
  const flow = name === 'sluice-perkey' ? 'perkey' : name === 'sluice-rate' ? 'rate' : undefined;
  return sluice({
    commandTimeout: name === 'sluice-timer' ? 5000 : undefined,
    metrics: name === 'sluice-metrics',
    otel: name === 'sluice-otel',
    flow,
    all: name === 'sluice-all',
  });
}
