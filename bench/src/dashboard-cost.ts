/**
 * `pnpm --filter @sluice/bench dashboard-cost [--seconds S] [--pages N] [--queues Q]`: the Redis cost of open
 * dashboards, on a private redis-server this process starts and stops by pid. Phases, each over the same window:
 * no page open; N pages open on quiet queues; a busy load (a worker running jobs as fast as a producer enqueues
 * them) without any page, then with N pages. Counted two ways: INFO commandstats before/after the window (every
 * client), and the commands the dashboard's own client sent. Prints a markdown table (docs/dashboard.md).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@redis/client';
import { createSluice, defineJob } from '@sluice/core';
import { createDashboard, toNodeListener } from '@sluice/dashboard';
import { createWorker } from '@sluice/worker';
import { Admin, startRedis } from './redis.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 20);
const PAGES = arg('pages', 3);
const QUEUES = arg('queues', 3);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const redis = await startRedis();
  const admin = await Admin.open(redis.url);
  const rows: string[] = [];
  try {
    const queues = Array.from({ length: QUEUES }, (_, i) => `q${i}`);
    const jobs = queues.map((q) => defineJob({ name: q, handler: async () => {} }));
    const producer = await createSluice({ url: redis.url });
    for (const j of jobs)
      await producer.enqueueMany(
        j,
        Array.from({ length: 10 }, (_, n) => ({ n })),
      );

    // the dashboard's own client, counting what it sends
    const client = createClient({ url: redis.url });
    let sent = 0;
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((...a: unknown[]) => {
      sent++;
      return (send as (...x: unknown[]) => Promise<unknown>)(...a);
    }) as typeof client.sendCommand;
    client.on('error', () => {});
    await client.connect();
    const dash = createDashboard({ client, unsafeNoAuth: true });
    const server = createServer(toNodeListener(dash));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const pages: AbortController[] = [];
    const openPages = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const c = new AbortController();
        const r = await fetch(`${base}/api/events`, { signal: c.signal });
        void r.body?.pipeTo(new WritableStream()).catch(() => {});
        pages.push(c);
      }
      while (dash.streams < n) await sleep(10);
    };
    const closePages = async () => {
      for (const c of pages.splice(0)) c.abort();
      while (dash.streams > 0) await sleep(10);
      await sleep(1500); // a poll in flight ends
    };

    const measure = async (label: string, jobsDone?: () => number) => {
      const s0 = await admin.snapshot();
      const d0 = sent;
      const j0 = jobsDone?.() ?? 0;
      const t0 = performance.now();
      await sleep(SECONDS * 1000);
      const s1 = await admin.snapshot();
      const secs = (performance.now() - t0) / 1000;
      const all = Admin.total(Admin.diff(s0.calls, s1.calls)) / secs;
      const own = (sent - d0) / secs;
      const rate = jobsDone ? ((jobsDone() - j0) / secs).toFixed(0) : '0';
      rows.push(`| ${label} | ${rate} | ${all.toFixed(1)} | ${own.toFixed(1)} |`);
      process.stderr.write(`[dashboard-cost] ${rows.at(-1)}\n`);
    };

    await measure('no page open, quiet queues');
    await openPages(PAGES);
    await measure(`${PAGES} pages open, quiet queues`);
    await closePages();

    // busy: a producer enqueues in batches as the worker keeps up, for the rest of the run
    let done = 0;
    const worker = await createWorker({ url: redis.url, jobs, concurrency: 50, logger: { level: 'silent' } });
    worker.on('job:succeeded', () => {
      done++;
    });
    await worker.start();
    let busy = true;
    const load = (async () => {
      while (busy) {
        await Promise.all(
          jobs.map((j) =>
            producer.enqueueMany(
              j,
              Array.from({ length: 100 }, (_, n) => ({ n })),
            ),
          ),
        );
        const st = await producer.stats(queues);
        if (st.some((s) => s.ready > 2000)) await sleep(50);
      }
    })();
    await sleep(2000);
    await measure('no page open, busy queues', () => done);
    await openPages(PAGES);
    await measure(`${PAGES} pages open, busy queues`, () => done);
    await closePages();
    busy = false;
    await load;
    await worker.stop();
    await dash.close();
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
    await client.close();
    await producer.close();
  } finally {
    await admin.close();
    await redis.stop();
  }
  console.log(
    `Redis ${redis.version}, ${QUEUES} queues, window ${SECONDS} s, poll 1 s\n\n| phase | jobs/s | all commands/s (INFO commandstats) | dashboard's commands/s |\n| --- | ---: | ---: | ---: |\n${rows.join('\n')}`,
  );
}

await main();
