// Cold start of a Sluice worker (built dist, as a user runs it): import, connect, start, first handler.
// Prints ms since process start and the process's CPU time (user + system) so far.
import { defineJob } from '@sluice/core';
import { createWorker } from '@sluice/worker';

const [url, queue] = process.argv.slice(2);
const job = defineJob({
  name: queue,
  handler: async () => {
    const cpu = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
    process.exit(0);
  },
});
const w = await createWorker({ url, jobs: [job], logger: { level: 'error' } });
await w.start();
setTimeout(() => {
  throw new Error('no job within 10 s');
}, 10_000).unref();
