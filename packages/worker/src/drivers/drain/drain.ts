/**
 * drain(): serve queues for a bounded time, for serverless functions (a scheduled Lambda, a cron-triggered
 * container). Uses the worker's own parts: non-blocking XREADGROUP into the job pool (runJob: fenced ack, retry,
 * dead-letter), the lease keeper, the promoter's promote-due and the reclaimer's sweep (so a queue served only by
 * drains still recovers crashed work), and the graceful shutdown. A job is started only when its timeout (or
 * `estimateMs`) fits the time left before the budget minus the safety margin; at that point running jobs are
 * aborted and handed back for immediate retry, and drain() resolves before the budget ends. Its `signal` stops
 * it gracefully: no new job starts, running jobs get the grace period (within the budget), the rest go back.
 */
import { type QueueKeys, SluiceArgumentError } from '@sluice/core';
import {
  DEFAULTS,
  decodeEnvelope,
  GROUP,
  promoteDue,
  queueKeys,
  readLanes,
  streamCommands,
} from '@sluice/core/internal';
import type { Emit } from '../../events.js';
import { resolveLogger } from '../../logger.js';
import { CancelWatch } from '../../loops/cancel-watch.js';
import { LeaseKeeper } from '../../loops/lease-keeper.js';
import { QueueLanes } from '../../loops/queue-lanes.js';
import { ensureGroup, isPaused, registerQueue } from '../../loops/queue-setup.js';
import { Reclaimer } from '../../loops/reclaimer.js';
import { sleep } from '../../loops/redis-resilience.js';
import { resolveOptions, WORKER_DEFAULTS, type WorkerOptions } from '../../options.js';
import { announce, staleAfter, withdraw } from '../../registry/announce.js';
import { Held, JobPool } from '../../run/pool.js';
import { handBack } from '../../run/transitions.js';
import { shutdown } from '../../shutdown.js';
import { consumerName } from '../../worker.js';
import { openWorkerDeps } from '../../worker-deps.js';
import { fits, jobCost, jobCostOf, type QueueCost, queueCost, readCount } from './budget.js';
import { countRemaining, type DrainResult, type DrainStop, notStartedJobs, undelivered } from './report.js';

export type { DrainNotStarted, DrainResult, DrainStop } from './report.js';

const { xreadgroup } = streamCommands;

/** Options of {@link drain}: a worker's (no blocking read) plus the budget and a stop signal. */
export interface DrainOptions extends Omit<WorkerOptions, 'blockMs' | 'fallbackJob'> {
  /** Wall time the drain may take, in ms, connecting included (required). */
  budgetMs: number;
  /** Kept free at the end of the budget for handing jobs back and closing, in ms (default 10% of it, at most 1000). */
  safetyMs?: number;
  /** Time assumed for a job without a `timeout`, in ms (default 1000); such a job is aborted at the budget's end. */
  estimateMs?: number;
  /** Aborting it stops the drain gracefully (`stoppedBecause: 'signal'`), e.g. on SIGTERM (default: none). */
  signal?: AbortSignal;
  /** After `signal`: ms running jobs may take to finish, never past the budget (default 10000). */
  shutdownGrace?: number;
}

/** Default safety margin for a budget: 10%, at most 1 s. */
export const defaultSafetyMs = (budgetMs: number): number => Math.min(1000, Math.floor(budgetMs / 10));

/** Default cost of a job without a timeout, in ms. */
export const DEFAULT_ESTIMATE_MS = 1000;

function checkMs(value: number, name: string, min: number): number {
  if (!Number.isFinite(value) || value < min) {
    throw new SluiceArgumentError(`drain: ${name} must be milliseconds >= ${min}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Run the jobs of the queues until they are empty or the budget is spent; resolves before the budget ends. */
export async function drain(o: DrainOptions): Promise<DrainResult> {
  const opts = resolveOptions({ ...o, shutdownGrace: 0, blockMs: 10 });
  const clock = opts.clock;
  const budgetMs = checkMs(o.budgetMs, 'budgetMs', 1);
  const end = clock.monotonic() + budgetMs - checkMs(o.safetyMs ?? defaultSafetyMs(budgetMs), 'safetyMs', 0);
  const estimateMs = checkMs(o.estimateMs ?? DEFAULT_ESTIMATE_MS, 'estimateMs', 0);
  const graceMs = checkMs(o.shutdownGrace ?? WORKER_DEFAULTS.shutdownGrace, 'shutdownGrace', 0);
  const left = () => end - clock.monotonic();
  let interrupted = false;
  /** True while new jobs may start: budget left and no stop signal. */
  const open = () => !interrupted && left() > 0;
  const consumer = consumerName();
  const log = resolveLogger(o.logger).child({ consumer, driver: 'drain' });
  const counts = { succeeded: 0, retried: 0, dead: 0, cancelled: 0 };
  let dirty = false;
  let wakeUp: () => void = () => {};
  const changed = () => {
    dirty = true;
    setImmediate(() => wakeUp());
  };
  const emit: Emit = (event) => {
    if (event === 'job:succeeded') counts.succeeded++;
    else if (event === 'job:retrying') counts.retried++;
    else if (event === 'job:dead') counts.dead++;
    else if (event === 'job:cancelled') counts.cancelled++;
    if (event !== 'job:started') changed();
  };
  const listening = (event: string) => event !== 'job:started';
  const { rt, stop } = await openWorkerDeps(o, { opts, consumer, log, emit, listening });
  const { conn } = rt;
  const pool = new JobPool(rt, { wake: () => {} });
  const leaseKeeper = new LeaseKeeper(rt, pool);
  const cancels = new CancelWatch(rt, pool);
  /** Aborted at the budget's end or on the stop signal: every wait of the loop ends. */
  const halt = new AbortController();
  const timer = setTimeout(() => halt.abort(), Math.max(0, left()));
  const onSignal = () => {
    interrupted = true;
    halt.abort();
  };
  if (o.signal?.aborted) onSignal();
  else o.signal?.addEventListener('abort', onSignal, { once: true });
  const blocked = new Set<string>();
  const skipped = new Set<string>();
  const handBacks = new Set<Promise<void>>();

  /**
   * Admits a delivery to the pool when its job fits the time left; hands it back otherwise, and stops reading its
   * queue once a handed-back job comes round again (every job of the queue left has been seen).
   */
  const gate = {
    get free() {
      return open() ? pool.free : 0;
    },
    submit(h: Held) {
      const cost = jobCost(opts.jobs.get(h.name), estimateMs);
      if (h.marker || !decodeEnvelope(h.fields).ok || (!interrupted && fits(cost, left()))) return pool.submit(h);
      const { keys, delivery: d } = h;
      const key = `${keys.queue}\n${h.fields.id}`;
      if (skipped.has(key)) blocked.add(keys.queue);
      skipped.add(key);
      const p: Promise<void> = handBack(rt, h)
        .then(
          () => undefined,
          (err: unknown) =>
            log.warn({ err, entryId: d.entryId }, 'hand-back failed; the job is reclaimed after the lease'),
        )
        .finally(() => {
          handBacks.delete(p);
          changed();
        });
      handBacks.add(p);
    },
  };

  /** Resolves on a job's end, a hand-back, the pool going idle, or the budget's end. */
  const waitChange = (): Promise<void> =>
    new Promise((resolve) => {
      if (dirty || halt.signal.aborted) return resolve();
      const done = () => {
        halt.signal.removeEventListener('abort', done);
        resolve();
      };
      wakeUp = done;
      halt.signal.addEventListener('abort', done, { once: true });
      if (pool.runningCount > 0) void pool.idle().then(done);
    });

  let stoppedBecause: DrainStop = 'budget';
  let remaining = 0;
  let leftMs = 0;
  let notStarted: DrainResult['notStarted'] = [];
  const paused: string[] = [];
  const active: { keys: QueueKeys; cost: QueueCost; reclaimer: Reclaimer; lanes: QueueLanes }[] = [];
  let failure: unknown;
  try {
    await announce(rt, 'drain', staleAfter(budgetMs + opts.lease));
    for (const queue of opts.queues) {
      const keys = queueKeys(opts.prefix, queue);
      await ensureGroup(conn, keys);
      await registerQueue(conn, opts.prefix, keys);
      if (await isPaused(conn, keys)) {
        log.info(`queue "${queue}" is paused: not draining it`);
        paused.push(queue);
        continue;
      }
      const lanes = new QueueLanes(conn, keys);
      await lanes.refresh();
      active.push({
        keys,
        cost: queueCost(opts.jobs.values(), queue, estimateMs),
        reclaimer: new Reclaimer(rt, keys, gate, { lanes }),
        lanes,
      });
    }
    leaseKeeper.start();
    void cancels.start(); // not awaited: the check after subscribing covers jobs started meanwhile

    /** Promote due delayed jobs and reclaim expired leases; true when anything moved. */
    const sweep = async (): Promise<boolean> => {
      let n = 0;
      for (const q of active) {
        if (!open()) break;
        n += (await promoteDue(conn, q.keys, DEFAULTS.promoteBatch)).moved;
        n += await q.reclaimer.sweep();
      }
      return n > 0;
    };

    await sweep();
    for (;;) {
      if (!open()) break;
      dirty = false;
      let read = 0;
      for (const q of active) {
        if (blocked.has(q.keys.queue) || pool.free <= 0) continue;
        const count = readCount(q.cost, left(), pool.free);
        if (count === 0) {
          blocked.add(q.keys.queue);
          continue;
        }
        // a queue with lanes (priorities, fair groups) is read highest priority first in one script call
        const r = q.lanes.any
          ? await readLanes(conn, q.keys, q.lanes.order, consumer, count)
          : (await xreadgroup(conn, GROUP, consumer, { key: q.keys.stream, id: '>' }, { count })).map((x) => ({
              keys: q.keys,
              entries: x.entries,
            }));
        for (const s of r) {
          for (const e of s.entries) {
            read++;
            gate.submit(new Held(s.keys, { entryId: e.id, deliveries: 1, jobId: e.fields?.id }, e.fields ?? {}));
          }
        }
      }
      if (read > 0) {
        if (pool.free <= 0) await pool.waitForSlot(halt.signal);
        continue;
      }
      if (pool.runningCount > 0 || handBacks.size > 0) {
        await waitChange();
        continue;
      }
      if (await sweep()) continue;
      const blockedKeys = active.filter((q) => blocked.has(q.keys.queue)).flatMap((q) => q.lanes.order);
      if (await undelivered(rt, blockedKeys)) stoppedBecause = 'budget';
      else stoppedBecause = paused.length > 0 ? 'paused' : 'empty';
      break;
    }
    if (interrupted) stoppedBecause = 'signal';
    leftMs = Math.max(0, Math.floor(left()));
  } catch (err) {
    failure = err;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onSignal);
    await Promise.all([...handBacks]);
    if (interrupted && pool.runningCount > 0) {
      const waitMs = Math.min(graceMs, Math.max(0, left()));
      log.info({ running: pool.runningCount, graceMs: waitMs }, 'stop signal: waiting for running jobs');
      const graceOver = new AbortController();
      await Promise.race([pool.idle(), sleep(waitMs, graceOver.signal)]);
      graceOver.abort();
    }
    await shutdown({
      rt,
      stop,
      consumers: [],
      loops: [],
      pool,
      leaseKeeper,
      close: async () => {
        await cancels.stop();
        if (failure === undefined) {
          remaining = await countRemaining(rt).catch(() => -1);
          if (stoppedBecause === 'budget') {
            const costOf = (name: string) => jobCostOf(opts.jobs.get(name), estimateMs);
            const keys = active.flatMap((q) => q.lanes.order);
            notStarted = await notStartedJobs(rt, keys, costOf, leftMs).catch((err: unknown) => {
              log.warn({ err }, 'could not list the jobs that did not fit');
              return [];
            });
          }
        }
        await withdraw(rt);
        await conn.close();
      },
    });
  }
  if (failure !== undefined) throw failure;
  const processed = counts.succeeded + counts.retried + counts.dead + counts.cancelled;
  const result = { processed, ...counts, remaining, stoppedBecause, leftMs, notStarted, paused };
  log.info(result, 'drain finished');
  return result;
}
