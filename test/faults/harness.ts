/**
 * The fault harness: one run ties four roles together, each in its own module:
 *   - supervision (supervisor.ts): N worker processes of app.ts, restarted on any exit, stopped by pid;
 *   - the producer (producer.ts): enqueues with idempotency keys, acknowledged only when the call resolved;
 *   - the fault injectors (injectors.ts): SIGKILL/SIGSTOP a worker, kill -9 Redis, CLIENT KILL, CLIENT PAUSE;
 *   - observation (observer.ts): Redis state, quiescence, the workers' record files, the dead-letter stream.
 * `runScenario` produces while injecting faults, waits for quiescence and hands the history to the checker.
 * The server is a private redis-server with AOF on a free port; everything listens on 127.0.0.1 only; every
 * loop is bounded in count and time; every process started here is stopped by its pid in `close()`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSluice } from '@sluice/core';
import { type StartedRedis, startRedisServer } from '../redis-server.js';
import { sleep } from '../wait.js';
import { check, type Report, recoveryAfter } from './checker.js';
import { type FaultRecord, Injectors } from './injectors.js';
import { keyOf } from './jobs.js';
import { Observer, type Recorded } from './observer.js';
import { type PoisonKind, Producer } from './producer.js';
import { type FaultKind, PREFIX, RunContext, type RunOptions, redisArgs, resolveRunOptions } from './run-context.js';
import { type ExitRecord, Supervisor } from './supervisor.js';

export type { FaultRecord } from './injectors.js';
export type { Recorded, RecordLine } from './observer.js';
export { POISON_REASON, type PoisonKind } from './producer.js';
export type { FaultKind, RunOptions } from './run-context.js';
export type { ExitRecord } from './supervisor.js';

/** What a run produced. */
export interface RunResult {
  report: Report;
  faults: FaultRecord[];
  exits: ExitRecord[];
  records: Recorded[];
  deadDetails: { key: string | undefined; reason: string | undefined; error: string }[];
  rejected: string[];
  enqueueRetries: number;
  durationMs: number;
  logDir: string;
}

/** One run: a server, workers, a producer, faults. Build with {@link FaultRun.start}; always `close()` it. */
export class FaultRun {
  /** The worker processes. */
  readonly workers: Supervisor;
  /** The fault injectors. */
  readonly inject: Injectors;
  /** What happened (Redis state, records, dead letters). */
  readonly observe: Observer;

  private constructor(
    /** Shared state: options, clock, server, admin connection. */
    readonly ctx: RunContext,
    /** Enqueues the jobs. */
    readonly producer: Producer,
  ) {
    this.workers = new Supervisor(ctx);
    this.inject = new Injectors(ctx, this.workers, [producer.sluice.connection]);
    this.observe = new Observer(ctx);
  }

  /** Start the server (AOF on, `fsync` policy), the producer and admin connections, and the workers. */
  static async start(o: RunOptions): Promise<FaultRun> {
    const opts = resolveRunOptions(o);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-faults-'));
    const redisDir = join(dir, 'redis');
    mkdirSync(redisDir);
    let redis: StartedRedis | undefined;
    try {
      redis = await startRedisServer({ dir: redisDir, args: redisArgs(opts.fsync) });
      const producer = await createSluice({ url: redis.url, prefix: PREFIX, commandTimeout: 10_000 });
      const admin = await createSluice({ url: redis.url, prefix: PREFIX, commandTimeout: 5000 });
      const ctx = new RunContext(opts, dir, redis, admin);
      const run = new FaultRun(ctx, new Producer(ctx, producer));
      ctx.say(`redis ${redis.url} (appendfsync ${opts.fsync}) in ${redisDir}`);
      await run.workers.startAll();
      return run;
    } catch (e) {
      await redis?.stop();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Ms since the run started. */
  now(): number {
    return this.ctx.now();
  }

  /** Stop the workers gracefully, read the history and check it. */
  async finish(): Promise<RunResult> {
    await this.workers.stopAll();
    const records = this.observe.records();
    const executions = records.flatMap((r) => (r.t === 'exec' ? [{ key: keyOf(r.n), pid: r.pid }] : []));
    const acks = records.flatMap((r) => (r.t === 'ok' ? [r.at] : []));
    const dead = await this.observe.deadRecords();
    const final = await this.observe.finalState();
    const { producer } = this;
    const report = check({ acked: producer.acked.keys(), unacked: producer.attempted, executions, dead, final });
    const faults = this.inject.records;
    const redisFaults = faults.filter((f) => f.kind !== 'kill-worker' && f.kind !== 'stop-worker');
    recoveryAfter(
      redisFaults.map((f) => f.endAt + this.ctx.t0),
      acks,
    ).forEach((ms, i) => {
      (redisFaults[i] as FaultRecord).recoveredMs = ms;
    });
    return {
      report,
      faults,
      exits: this.workers.exits,
      records,
      deadDetails: dead.map((d) => ({ key: d.key, reason: d.reason, error: (d.error ?? '').slice(0, 200) })),
      rejected: [...producer.rejected],
      enqueueRetries: producer.retries,
      durationMs: this.now(),
      logDir: this.ctx.logDir,
    };
  }

  /** Kill everything still running (by pid), close the connections, delete the temp dir (unless FAULT_KEEP=1). */
  async close(): Promise<void> {
    await this.workers.killAll();
    this.producer.sluice.connection.destroy();
    this.ctx.admin.connection.destroy();
    await this.ctx.redis.stop();
    if (process.env.FAULT_KEEP !== '1') rmSync(this.ctx.dir, { recursive: true, force: true });
    else this.ctx.opts.log?.(`kept ${this.ctx.dir}`);
  }
}

/** A scenario: jobs produced while faults are injected, then quiescence and the checker. */
export interface Scenario extends RunOptions {
  /** Normal jobs. */
  jobs: number;
  /** Spread the enqueues over this many ms. */
  produceMs: number;
  /** Handler time range in ms. */
  jobMs?: readonly [number, number];
  /** Faults to inject in turn (none: a control run). */
  faults: readonly FaultKind[];
  /** Inject faults for this long (from the first enqueue). */
  faultMs: number;
  /** About this long between faults. */
  faultEveryMs: number;
  /** Inject at least this many faults, even past `faultMs` (default 0). */
  minFaults?: number;
  /** Poison inputs to mix in (spread over the production). */
  poison?: readonly PoisonKind[];
  /** Longest wait for quiescence (default 60 s). */
  quiesceMs?: number;
}

/** Poison inputs get numbers from here up (normal jobs count from 0). */
export const POISON_BASE = 1_000_000;

/** Run a scenario to the end and check it. The run is always closed. */
export async function runScenario(sc: Scenario): Promise<RunResult & { poison: Map<string, PoisonKind> }> {
  const run = await FaultRun.start(sc);
  try {
    const poison = new Map<string, PoisonKind>();
    const producing = run.producer.produce(0, sc.jobs, sc.produceMs, sc.jobMs ?? [10, 150]);
    const poisoning = (async () => {
      for (const [i, kind] of (sc.poison ?? []).entries()) {
        await sleep(sc.produceMs / ((sc.poison?.length ?? 0) + 1)); // spread over the production
        poison.set(keyOf(POISON_BASE + i), kind);
        await run.producer.poison(kind, POISON_BASE + i);
      }
    })();
    const injected = await run.inject.loop(sc.faults, sc.faultMs, sc.faultEveryMs, sc.minFaults);
    await Promise.all([producing, poisoning]);
    sc.log?.(`produced ${run.producer.acked.size} acknowledged enqueues; ${injected} fault(s) injected`);
    await run.observe.quiesce(sc.quiesceMs ?? 60_000);
    return { ...(await run.finish()), poison };
  } finally {
    await run.close();
  }
}
