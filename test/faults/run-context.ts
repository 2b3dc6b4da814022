/**
 * What every role of a fault run shares: the options, the run's clock (ms since start), the progress log, the
 * private redis-server (replaced when a fault restarts it), the harness's own admin connection, and the
 * background checks still running (recovery timers) that the run waits for before it reads the history.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueKeys, Sluice } from '@sluice/core';
import type { StartedRedis } from '../redis-server.js';
import { QUEUE } from './jobs.js';

/** The faults that can be injected while jobs run. */
export type FaultKind = 'kill-worker' | 'kill-redis' | 'client-kill' | 'stop-worker' | 'pause-writes';

/** Options of a fault run. */
export interface RunOptions {
  /** AOF fsync policy of the server (`--appendonly yes` always). */
  fsync: 'everysec' | 'always';
  /** Worker processes (default 3). */
  workers?: number;
  /** Lease in ms (default 1000). */
  lease?: number;
  /** Deliveries before a job is poison (default 5). */
  maxDeliveries?: number;
  /** Handlers per worker (default 10). */
  concurrency?: number;
  /** Progress lines (default none). */
  log?: (line: string) => void;
}

/** {@link RunOptions} with every default filled in. */
export type ResolvedRunOptions = Required<Omit<RunOptions, 'log'>> & Pick<RunOptions, 'log'>;

/** Fill in the defaults of {@link RunOptions}. */
export const resolveRunOptions = (o: RunOptions): ResolvedRunOptions => ({
  workers: 3,
  lease: 1000,
  maxDeliveries: 5,
  concurrency: 10,
  ...o,
});

/** Key prefix of every fault run (each run has its own server). */
export const PREFIX = 'fx';

/** The arguments of the run's redis-server: AOF on with the `fsync` policy, never evict. */
export const redisArgs = (fsync: RunOptions['fsync']): string[] => [
  '--appendonly',
  'yes',
  '--appendfsync',
  fsync,
  '--maxmemory-policy',
  'noeviction',
];

/** True while process `pid` exists. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The state every role of one run shares. */
export class RunContext {
  /** Epoch ms of the start. */
  readonly t0 = Date.now();
  /** Keys of the suite's queue. */
  readonly keys: QueueKeys;
  /** Worker record files (one JSONL per process, see app.ts). */
  readonly recordDir: string;
  /** Worker stdout/stderr logs. */
  readonly logDir: string;
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    readonly opts: ResolvedRunOptions,
    /** The run's temp dir. */
    readonly dir: string,
    /** The server; a fault that restarts it replaces it. */
    public redis: StartedRedis,
    /** The harness's own connection: faults and inspection. */
    readonly admin: Sluice,
  ) {
    this.keys = admin.keys(QUEUE);
    this.recordDir = join(dir, 'records');
    this.logDir = join(dir, 'logs');
    mkdirSync(this.recordDir);
    mkdirSync(this.logDir);
  }

  /** Ms since the run started. */
  now(): number {
    return Date.now() - this.t0;
  }

  /** A progress line, stamped with the run's time. */
  say(line: string): void {
    this.opts.log?.(`[${(this.now() / 1000).toFixed(1)}s] ${line}`);
  }

  /** Keep `p` (a background check) until it settles; {@link settled} waits for every one. */
  track<T>(p: Promise<T>): Promise<T> {
    this.background.add(p);
    p.finally(() => this.background.delete(p)).catch(() => {});
    return p;
  }

  /** Resolves once every tracked background check has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }
}
