/**
 * The worker process of the fault suite (spawned by supervisor.ts with tsx, killed and restarted by pid).
 * Env: REDIS_URL, PREFIX, RECORD_DIR, LEASE (ms, default 1000), MAX_DELIVERIES (default 5), CONCURRENCY
 * (default 10), LOG_LEVEL (default warn).
 *
 * Executions are recorded in an append-only file per process, `RECORD_DIR/<pid>.jsonl`, not in Redis: Redis is
 * one of the things the suite kills, and an execution recorded there could vanish with it (AOF everysec) and
 * look like a lost job. One `write(2)` per line on an O_APPEND descriptor: the faults kill processes, not the
 * machine, so the page cache keeps every line and no fsync is needed. Lines (JSON):
 *   {"t":"start","n","prio","tenant","pid","at"}   the handler started (flow-order.test.ts: priorities, fairness)
 *   {"t":"exec","n","job","attempt","pid","at"}  the handler did its work and is about to return (before the ack)
 *   {"t":"ok","job","entry","at"}                  the ack was accepted (job:succeeded)
 *   {"t":"lease-lost","job","entry","during","at"} a renew or finish was rejected by the fence
 *   {"t":"dead","job","reason","at"}               the worker dead-lettered the job
 *   {"t":"lost","entry","at"}                      a pending entry was found deleted from the stream (trimmed)
 * A payload with `exit: true` makes the handler call process.exit(3) after 150 ms (a crashing poison job).
 * Prints `ready <consumer>` once started.
 */
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { runWorkerProcess } from '@sluice/worker';
import { sleep } from '../wait.js';
import { workJob } from './jobs.js';

const fd = openSync(join(process.env.RECORD_DIR as string, `${process.pid}.jsonl`), 'a');
const record = (line: Record<string, unknown>) => {
  writeSync(fd, `${JSON.stringify({ ...line, at: Date.now() })}\n`);
};

/** Sleep `ms`; rejects with the signal's reason when it aborts (lease lost, shutdown). */
const work = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

const job = workJob(async (p, ctx) => {
  record({ t: 'start', n: p.n, prio: p.prio, tenant: p.tenant, pid: process.pid });
  if (p.exit) {
    await sleep(150);
    process.exit(3);
  }
  await work(p.ms, ctx.signal);
  record({ t: 'exec', n: p.n, job: ctx.jobId, attempt: ctx.attempt, pid: process.pid });
});

let code: number;
try {
  code = await runWorkerProcess({
    url: process.env.REDIS_URL as string,
    prefix: process.env.PREFIX as string,
    jobs: [job],
    lease: Number(process.env.LEASE ?? 1000),
    maxDeliveries: Number(process.env.MAX_DELIVERIES ?? 5),
    concurrency: Number(process.env.CONCURRENCY ?? 10),
    shutdownGrace: 1000,
    blockMs: 2000,
    logger: { level: process.env.LOG_LEVEL ?? 'warn' },
    onStarted: (w) => {
      w.on('job:succeeded', (e) => record({ t: 'ok', job: e.jobId, entry: e.entryId }));
      w.on('job:lease-lost', (e) => record({ t: 'lease-lost', job: e.jobId, entry: e.entryId, during: e.during }));
      w.on('job:dead', (e) => record({ t: 'dead', job: e.jobId, reason: e.reason }));
      w.on('job:lost', (e) => record({ t: 'lost', entry: e.entryId }));
      console.log(`ready ${w.consumer}`);
    },
  });
} catch (err) {
  // Redis was down when this process started (a fault in progress): the harness starts it again.
  console.error(`start failed: ${(err as Error).message}`);
  code = 2;
}
process.exit(code);
