/**
 * Entry of every bench child process. argv[2] is a JSON {@link ChildConfig}; results go to the runner over IPC.
 * Roles: `process` (drain pre-enqueued jobs), `latency-worker` / `latency-producer` (separate processes),
 * `idle` (a worker that waits for `stop`). Every wait is bounded by the runner, which kills by pid.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { type ImplName, loadImpl, type RunningWorker } from './impl/types.js';
import { type BenchPayload, makePayload, nowMs } from './payload.js';
import { latencySummary } from './stats.js';

/** What a child is asked to do. */
export type ChildConfig =
  | { role: 'enqueue'; impl: ImplName; url: string; jobs: number; mode: 'single' | 'batch'; window: number }
  | { role: 'process'; impl: ImplName; url: string; jobs: number; concurrency: number }
  | { role: 'latency-worker'; impl: ImplName; url: string; jobs: number; warmup: number; concurrency: number }
  | { role: 'latency-producer'; impl: ImplName; url: string; jobs: number; rate: number }
  | { role: 'idle'; impl: ImplName; url: string; concurrency: number };

/** Result of an `enqueue` child: `single` keeps `window` enqueues in flight; `batch` sends `window` per call. */
export interface EnqueueResult {
  jobs: number;
  elapsedMs: number;
  /** CPU time (user + system) of the producer process per job while it enqueues, in us (as ProcessResult's). */
  cpuUsPerJob: number;
}
/** Result of a `process` child. */
export interface ProcessResult {
  handled: number;
  /** First handler start to last handler start, ms. */
  elapsedMs: number;
  /**
   * CPU time (user + system) of the worker process per job, first handler start to last, in us: the cost a
   * variant adds, less sensitive than throughput to other processes sharing the machine.
   */
  cpuUsPerJob: number;
  /** Resident set size once the worker was ready, and the process's peak, in bytes. */
  rssReady: number;
  rssPeak: number;
}
/** Result of a `latency-worker` child: enqueue -> handler-start latency in ms. */
export interface LatencyResult {
  p50: number;
  p99: number;
  max: number;
  n: number;
}
/** Result of a `latency-producer` child. */
export interface ProducerResult {
  sent: number;
  seconds: number;
}

/** Messages from a child. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'result'; data: EnqueueResult | ProcessResult | LatencyResult | ProducerResult | Record<string, never> }
  | { type: 'error'; message: string };

const send = (m: ChildMessage) => new Promise<void>((r) => (process.send ? process.send(m, () => r()) : r()));
const commands: Array<'go' | 'stop'> = [];
let onCommand: (() => void) | undefined;
process.on('message', (m: { type: 'go' | 'stop' }) => {
  commands.push(m.type);
  onCommand?.();
});
const waitFor = (type: 'go' | 'stop') =>
  new Promise<void>((resolve) => {
    const check = () => {
      if (commands.includes(type)) resolve();
    };
    onCommand = check;
    check();
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ready = () => send({ type: 'ready' });

async function enqueueJobs(c: Extract<ChildConfig, { role: 'enqueue' }>): Promise<EnqueueResult> {
  const impl = await loadImpl(c.impl);
  const p = await impl.producer(c.url);
  const payloads = Array.from({ length: c.jobs }, (_, i) => makePayload(i));
  await p.add(makePayload(-1)); // connect, register the queue, load code paths: not timed
  const start = performance.now();
  const cpu = process.cpuUsage();
  if (c.mode === 'batch') {
    for (let i = 0; i < c.jobs; i += c.window) await p.addBatch(payloads.slice(i, i + c.window));
  } else {
    let next = 0;
    const lane = async () => {
      while (next < c.jobs) await p.add(payloads[next++] as BenchPayload);
    };
    await Promise.all(Array.from({ length: Math.min(c.window, c.jobs) }, lane));
  }
  const elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await p.close();
  return { jobs: c.jobs, elapsedMs, cpuUsPerJob: (used.user + used.system) / c.jobs };
}

/**
 * SLUICE_BENCH_CPU_PROF=<dir>: a processing child profiles its CPU (V8 sampling profiler, 100 us) from the first
 * handler start to the last, and writes `<dir>/<impl>-<pid>.cpuprofile` (open it in Chrome DevTools).
 */
function profiler(impl: string): { start(): void; stop(): void } | undefined {
  const dir = process.env.SLUICE_BENCH_CPU_PROF;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 100 });
  return {
    start: () => session.post('Profiler.start'),
    stop: () =>
      session.post('Profiler.stop', (err, r) => {
        if (err) return;
        mkdirSync(dir, { recursive: true });
        writeFileSync(`${dir}/${impl}-${process.pid}.cpuprofile`, JSON.stringify(r.profile));
      }),
  };
}

async function processJobs(c: Extract<ChildConfig, { role: 'process' }>): Promise<ProcessResult> {
  const impl = await loadImpl(c.impl);
  let handled = 0;
  let first = 0;
  let last = 0;
  let cpuFirst: NodeJS.CpuUsage | undefined;
  let cpuLast: NodeJS.CpuUsage | undefined;
  const prof = profiler(c.impl);
  let done: () => void = () => {};
  const all = new Promise<void>((r) => {
    done = r;
  });
  const w: RunningWorker = await impl.worker(c.url, {
    concurrency: c.concurrency,
    onJob: () => {
      const t = performance.now();
      if (handled === 0) {
        first = t;
        prof?.start();
        cpuFirst = process.cpuUsage();
      }
      last = t;
      if (++handled === c.jobs) {
        cpuLast = process.cpuUsage(cpuFirst);
        prof?.stop();
        done();
      }
    },
  });
  const rssReady = process.memoryUsage.rss();
  await all;
  await w.close();
  const cpuUs = cpuLast ? cpuLast.user + cpuLast.system : 0;
  const cpuUsPerJob = handled > 1 ? cpuUs / (handled - 1) : 0;
  return { handled, elapsedMs: last - first, cpuUsPerJob, rssReady, rssPeak: process.resourceUsage().maxRSS * 1024 };
}

async function latencyWorker(c: Extract<ChildConfig, { role: 'latency-worker' }>): Promise<LatencyResult> {
  const impl = await loadImpl(c.impl);
  const samples: number[] = [];
  let seen = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((r) => {
    done = r;
  });
  const w = await impl.worker(c.url, {
    concurrency: c.concurrency,
    onJob: (p: BenchPayload) => {
      const lat = nowMs() - p.t;
      if (p.i < 0) return; // the producer's connection warm-up job
      if (p.i >= c.warmup) samples.push(lat);
      if (++seen === c.jobs) done();
    },
  });
  await ready();
  await all;
  await w.close();
  return latencySummary(samples);
}

async function latencyProducer(c: Extract<ChildConfig, { role: 'latency-producer' }>): Promise<ProducerResult> {
  const impl = await loadImpl(c.impl);
  const p = await impl.producer(c.url);
  await p.add(makePayload(-1)); // warms the connection; the worker does not count it (negative index)
  await ready();
  await waitFor('go');
  const pending = new Set<Promise<unknown>>();
  const start = performance.now();
  let i = 0;
  while (i < c.jobs) {
    const now = performance.now();
    const due = start + (i * 1000) / c.rate;
    if (due > now) {
      await sleep(due - now);
      continue;
    }
    for (; i < c.jobs && start + (i * 1000) / c.rate <= performance.now(); i++) {
      const pr = p.add(makePayload(i));
      pending.add(pr);
      pr.finally(() => pending.delete(pr));
    }
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  await p.close();
  return { sent: i, seconds };
}

async function idle(c: Extract<ChildConfig, { role: 'idle' }>): Promise<Record<string, never>> {
  const impl = await loadImpl(c.impl);
  const w = await impl.worker(c.url, { concurrency: c.concurrency, onJob: () => {} });
  await ready();
  await waitFor('stop');
  await w.close();
  return {};
}

async function main(): Promise<void> {
  const c = JSON.parse(process.argv[2] as string) as ChildConfig;
  const data =
    c.role === 'enqueue'
      ? await enqueueJobs(c)
      : c.role === 'process'
        ? await processJobs(c)
        : c.role === 'latency-worker'
          ? await latencyWorker(c)
          : c.role === 'latency-producer'
            ? await latencyProducer(c)
            : await idle(c);
  await send({ type: 'result', data });
}

main().then(
  () => process.exit(0),
  async (e: Error) => {
    await send({ type: 'error', message: e.stack ?? String(e) });
    process.exit(1);
  },
);
