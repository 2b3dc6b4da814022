// Cold start of a BullMQ worker: import, connect, fetch, first handler. Prints ms since process start and the
// process's CPU time (user + system) so far.
import { Worker } from 'bullmq';

const [url, queue] = process.argv.slice(2);
const u = new URL(url);
const w = new Worker(
  queue,
  async () => {
    const cpu = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
    process.exit(0);
  },
  { connection: { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null } },
);
w.on('error', () => {});
setTimeout(() => {
  throw new Error('no job within 10 s');
}, 10_000).unref();
