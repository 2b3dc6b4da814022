/** The shapes of the dashboard's HTTP API (packages/dashboard/API.md). Every string in them is data, never markup. */

/** GET api/session. */
export interface Session {
  version: string;
  readOnly: boolean;
  role: 'admin' | 'viewer';
  queues: string[];
}

// The overview's shapes are the server's own (type-only: nothing of the server's code reaches the page).
export type { Overview, QueueOverview as QueueRow } from '../../src/live.js';

/** One step of a queue's history. */
export interface HistoryPoint {
  t: number;
  completed: number;
  failed: number;
}

/** GET api/queues/:q/history. */
export interface History {
  queue: string;
  stepMs: number;
  from: number;
  points: HistoryPoint[];
}

/** Where a job is. */
export type JobState = 'ready' | 'running' | 'delayed' | 'dead' | 'cancelled' | 'completed';

/** The dead-letter part of a job. */
export interface DeadInfo {
  deadId: string;
  reason: string;
  error: string;
  stack?: string;
  attempts?: number;
  failedAt?: number;
  firstFailedAt?: number;
  deadAt: number;
  entryId?: string;
  redrivable: boolean;
  member?: string;
  other?: Record<string, string>;
  truncated?: string;
}

/** One attempt, when the server reports them. */
export interface AttemptInfo {
  attempt: number;
  at?: number;
  error?: string;
  stack?: string;
}

/** A job (core's JobInfo, plus fields a later server may add: progress, result, attempts, worker). */
export interface JobInfo {
  id: string;
  state: JobState;
  name: string;
  data: string;
  attempt: number | null;
  enqueuedAt: number | null;
  firstFailedAt?: number;
  key?: string;
  entryId?: string;
  dueAt?: number;
  running?: { consumer: string; idleMs: number; deliveries: number; cancelRequestedAt?: number };
  dead?: DeadInfo;
  cancelled?: { at: number; from: string };
  progress?: unknown;
  result?: unknown;
  /** Completed (kept): why the result was not stored (too large, not JSON). */
  resultError?: string;
  /** Kept failed job whose dead-letter entry is gone: its final error. */
  error?: string;
  attempts?: AttemptInfo[];
  worker?: unknown;
  startedAt?: number;
  finishedAt?: number;
}

/** GET api/queues/:q/jobs. */
export interface JobPage {
  jobs: JobInfo[];
  cursor: string | null;
  scanned?: number;
}

/** One live worker. */
export interface WorkerInfo {
  id: string;
  kind: 'worker' | 'drain' | 'push';
  host: string;
  pid: number;
  version: string;
  queues: string[];
  concurrency: number;
  inFlight: number;
  startedAt: number;
  lastSeenAt: number;
}

/** One schedule. */
export interface ScheduleInfo {
  queue: string;
  name: string;
  pattern: string;
  tz: string;
  lastTickAt: number | null;
  nextRunAt: number | null;
}

/** One job definition of the catalogue. */
export interface CatalogueJob {
  name: string;
  queue: string;
  schema: unknown;
  retry?: unknown;
  timeoutMs?: number | null;
  concurrency?: number | null;
  schedule?: unknown;
}
