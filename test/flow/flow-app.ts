/**
 * A worker process for the flow-control process tests (spawned with tsx by procs.ts, killed by pid). Env:
 * REDIS_URL, PREFIX, RECORD_DIR, LEASE (ms, default 1000), CONCURRENCY (default 5), GLOBAL (default 4),
 * PER_KEY (default 1), RATE (starts/s, default 30), LOG_LEVEL (default silent).
 * Jobs: `fc` (global and per-key concurrency; payload `{ n, k, ms }`: sleeps `ms`) and `rl` (rate limit; `{ n }`).
 * Each run is recorded in RECORD_DIR/<pid>.jsonl with one write(2) per line on an O_APPEND descriptor (kept by the
 * page cache across a SIGKILL): `{"t":"start"|"end","job","n","k","id","attempt","pid","at"}`, and
 * `{"t":"lease-lost","job","id","attempt","pid","at"}` when the fence rejected a run's renewal or finish.
 * Prints `ready <consumer>` once started.
 */
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { defineJob } from '@sluice/core';
import { runWorkerProcess } from '@sluice/worker';

const fd = openSync(join(process.env.RECORD_DIR as string, `${process.pid}.jsonl`), 'a');
const record = (line: Record<string, unknown>) =>
  writeSync(fd, `${JSON.stringify({ ...line, pid: process.pid, at: Date.now() })}\n`);

const fc = defineJob({
  name: 'fc',
  concurrency: {
    global: Number(process.env.GLOBAL ?? 4),
    perKey: Number(process.env.PER_KEY ?? 1),
    key: (p: { n: number; k: string; ms: number }) => p.k,
  },
  handler: async (p: { n: number; k: string; ms: number }, ctx) => {
    record({ t: 'start', job: 'fc', n: p.n, k: p.k, id: ctx.jobId, attempt: ctx.attempt });
    await new Promise((resolve) => setTimeout(resolve, p.ms));
    record({ t: 'end', job: 'fc', n: p.n, k: p.k, id: ctx.jobId, attempt: ctx.attempt });
  },
});

const rl = defineJob({
  name: 'rl',
  rateLimit: { limit: Number(process.env.RATE ?? 30), period: 1000 },
  handler: (p: { n: number }, ctx) => {
    record({ t: 'start', job: 'rl', n: p.n, id: ctx.jobId, attempt: ctx.attempt });
  },
});

const code = await runWorkerProcess({
  url: process.env.REDIS_URL as string,
  prefix: process.env.PREFIX as string,
  jobs: [fc, rl],
  concurrency: Number(process.env.CONCURRENCY ?? 5),
  lease: Number(process.env.LEASE ?? 1000),
  shutdownGrace: 300,
  blockMs: 1000,
  logger: { level: process.env.LOG_LEVEL ?? 'silent' },
  onStarted: (w) => {
    w.on('job:lease-lost', (e) => record({ t: 'lease-lost', job: e.name, id: e.jobId, attempt: e.attempt }));
    console.log(`ready ${w.consumer}`);
  },
});
process.exit(code);
