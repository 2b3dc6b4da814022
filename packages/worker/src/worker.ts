/**
 * createWorker(): checks the options and schedules, then on start() connects and wires the components of
 * every queue (consumer, promoter, reclaimer), the shared job pool, lease keeper and cron scheduler.
 * stop() runs the graceful shutdown. Events are typed (see events.ts).
 */
import { hostname } from 'node:os';
import type { AnyJob } from '@sluice/core';
import { GROUP, queueKeys, type WorkerKind } from '@sluice/core/internal';
import type { Logger } from 'pino';
import { checkDurability } from './durability.js';
import { type WorkerEventName, WorkerEvents, type WorkerListener } from './events.js';
import { resolveLogger } from './logger.js';
import { CancelWatch } from './loops/cancel-watch.js';
import { Consumer } from './loops/consumer.js';
import { planSchedules, Scheduler } from './loops/cron-scheduler.js';
import { LeaseKeeper } from './loops/lease-keeper.js';
import { Promoter } from './loops/promoter.js';
import { QueueLanes } from './loops/queue-lanes.js';
import { ensureGroup, registerQueue } from './loops/queue-setup.js';
import { Reclaimer } from './loops/reclaimer.js';
import { type ResolvedOptions, resolveOptions, type WorkerOptions } from './options.js';
import { announce, servedJobs, staleAfter, withdraw } from './registry/announce.js';
import { JobPool } from './run/pool.js';
import { shutdown } from './shutdown.js';
import { openWorkerDeps } from './worker-deps.js';

/** A worker: start it, stop it, listen to its events. */
export interface Worker {
  /** This worker's consumer name (`host:pid:random`), unique per worker. */
  readonly consumer: string;
  /** True from start() until stop() has finished. */
  readonly running: boolean;
  /** The options in effect. */
  readonly options: ResolvedOptions;
  /** The root logger. */
  readonly log: Logger;
  /** Connect and start consuming. Rejects (and leaves nothing open) when Redis is unreachable. */
  start(): Promise<void>;
  /** Graceful stop (see shutdown.ts). Safe to call twice: both calls get the same promise. */
  stop(): Promise<void>;
  /** Listen to an event; returns a function that removes the listener. */
  on<K extends WorkerEventName>(event: K, listener: WorkerListener<K>): () => void;
  /** Remove a listener. */
  off<K extends WorkerEventName>(event: K, listener: WorkerListener<K>): void;
}

/**
 * A new consumer name: `host:pid:random`, 32 random bits in hex. They tell apart workers of one host that got the
 * same pid (containers), nothing secret: Math.random, which Node seeds per process from OpenSSL's random source,
 * not node:crypto or Web Crypto, whose load costs a cold start ~3 ms of CPU (docs/decisions.md, "Cold start").
 */
export const consumerName = (): string =>
  `${hostname()}:${process.pid}:${Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0')}`;

/** How a worker presents itself in the registry (for the drivers built on it). */
export interface WorkerRole {
  /** Kind in its worker record (default `worker`). */
  kind?: WorkerKind;
  /** The definitions it publishes to the catalogue (default: the jobs it serves). */
  catalogue?: readonly AnyJob[];
}

/** Check the options (jobs, schedules) and build a worker; nothing connects until start(). */
export async function createWorker(options: WorkerOptions, role: WorkerRole = {}): Promise<Worker> {
  const opts = resolveOptions(options);
  const plans = await planSchedules(opts.jobs.values(), opts.maxPayloadBytes);
  const consumer = consumerName();
  const log = resolveLogger(options.logger).child({ consumer });
  const events = new WorkerEvents((err, event) => log.error({ err, event }, 'an event listener threw'));
  // prom-client is loaded only when metrics are on (docs/observability.md)
  const metrics = options.metrics
    ? (await import('./metrics/worker-metrics.js')).createWorkerMetrics(options.metrics, { events, opts, log })
    : undefined;
  let running = false;
  let stopping: Promise<void> | undefined;
  let stopFn: (() => Promise<void>) | undefined;

  async function start(): Promise<void> {
    if (running || stopping) throw new Error('worker: start() may be called once');
    const { rt, stop } = await openWorkerDeps(options, {
      opts,
      consumer,
      log,
      emit: events.emit,
      listening: events.listening,
    });
    const { conn } = rt;
    const consumers: Consumer[] = [];
    let cancels: CancelWatch | undefined;
    try {
      const promoters = new Map<string, Promoter>();
      const pool = new JobPool(rt, { wake: (q, ms) => promoters.get(q)?.wake(ms) });
      const reclaimers: Reclaimer[] = [];
      const watch = new CancelWatch(rt, pool);
      cancels = watch;
      for (const queue of opts.queues) {
        const keys = queueKeys(opts.prefix, queue);
        const promoter = new Promoter(rt, keys);
        promoters.set(queue, promoter);
        // pause, resume and new lanes are heard on the queue's channel (cancel-watch.ts), and told there
        const lanes = new QueueLanes(conn, keys, () => watch.announce(queue));
        const consumer = new Consumer(rt, keys, pool, promoter, lanes, watch);
        watch.onFlags(queue, () => consumer.flagsChanged());
        consumers.push(consumer);
        reclaimers.push(new Reclaimer(rt, keys, pool, { prune: reclaimers.length === 0, lanes }));
      }
      metrics?.attach({
        exec: conn,
        enqueueCtx: rt.enqueueCtx,
        busy: () => pool.busyByQueue(),
        notReading: () => opts.queues.filter((_, i) => !consumers[i]?.reading),
        serving: () => running && !stopping,
      });
      // Independent set-up steps run at once (they are round trips; cold start is what they cost); a queue's
      // reader starts as soon as its group exists. allSettled: nothing is left connecting if one step fails.
      const steps = await Promise.allSettled([
        announce(
          rt,
          role.kind ?? 'worker',
          staleAfter(opts.blockMs + opts.lease),
          role.catalogue && servedJobs(opts, role.catalogue),
        ),
        checkDurability(conn, log),
        watch.start(),
        ...consumers.map(async (c, i) => {
          const keys = queueKeys(opts.prefix, opts.queues[i] as string);
          await Promise.all([ensureGroup(conn, keys), registerQueue(conn, opts.prefix, keys)]);
          await c.start();
        }),
      ]);
      const failed = steps.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await metrics?.listen();
      const leaseKeeper = new LeaseKeeper(rt, pool);
      const scheduler = new Scheduler(rt, plans);
      for (const p of promoters.values()) p.start();
      for (const r of reclaimers) r.start();
      leaseKeeper.start();
      scheduler.start();
      running = true;
      log.info({ queues: opts.queues, concurrency: opts.concurrency, group: GROUP }, 'worker started');
      stopFn = () =>
        shutdown({
          rt,
          stop,
          consumers,
          loops: [...promoters.values(), ...reclaimers, scheduler],
          pool,
          leaseKeeper,
          close: async () => {
            await watch.stop();
            await withdraw(rt);
            await metrics?.close();
            await conn.close();
          },
        });
    } catch (err) {
      stop.abort();
      void cancels?.stop();
      void metrics?.close();
      for (const c of consumers) c.destroy();
      conn.destroy();
      throw err;
    }
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      if (!stopFn) return;
      log.info('worker stopping');
      try {
        await stopFn();
      } finally {
        running = false;
        log.info('worker stopped');
      }
    })();
    return stopping;
  }

  return {
    consumer,
    get running() {
      return running;
    },
    options: opts,
    log,
    start,
    stop,
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
  };
}
