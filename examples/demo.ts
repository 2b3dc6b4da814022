/**
 * The quick-start demo: enqueue example jobs, show the queues' stats, run a worker until they are done, show the
 * stats again and the dead letter. Uses REDIS_URL or redis://127.0.0.1:6379; when nothing answers there and a
 * `redis-server` binary is installed, it starts a private one on a free port for its run (and says so). It
 * writes only keys under its own prefix and deletes them at the end.
 */
import { statsCommand } from '@sluice/cli';
import { createSluice } from '@sluice/core';
import { redactUrl } from '@sluice/core/internal';
import { createWorker } from '@sluice/worker';
import { startRedisServer } from '../test/redis-server.js';
import jobs, { resizeImage, sendEmail } from './jobs.js';

const say = (line: string) => console.log(line);

async function reachable(url: string): Promise<boolean> {
  try {
    const s = await createSluice({ url, connectTimeout: 1000 });
    await s.close();
    return true;
  } catch {
    return false;
  }
}

/** Print the queues' stats exactly as `sluice queue stats` does. */
async function showStats(title: string, url: string, prefix: string) {
  say(`\n${title}  (sluice queue stats --prefix ${prefix})`);
  await statsCommand({ redis: url, prefix }, { out: (l) => say(`  ${l}`), err: (l) => say(`  ${l}`) });
}

async function main() {
  let url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let stopRedis: (() => Promise<void>) | undefined;
  if (!(await reachable(url))) {
    say(`Nothing answers at ${redactUrl(url)}; starting a private redis-server for this demo.`);
    const r = await startRedisServer();
    url = r.url;
    stopRedis = r.stop;
  }
  const prefix = `sluice-demo-${process.pid}`;
  say(`Using Redis at ${redactUrl(url)} (keys under "${prefix}:", deleted at the end).`);
  const sluice = await createSluice({ url, prefix });
  try {
    const images = Array.from({ length: 20 }, (_, i) => ({ url: `https://example.com/${i}.png`, width: 100 + i }));
    await sluice.enqueueMany(resizeImage, images);
    await sluice.enqueue(resizeImage, { url: 'https://example.com/flaky.png', width: 64, flaky: true });
    await sluice.enqueue(resizeImage, { url: 'https://example.com/later.png', width: 32 }, { delay: '1s' });
    await sluice.enqueue(sendEmail, { to: 'ada@example.com', subject: 'Your images are ready' });
    await sluice.enqueue(sendEmail, { to: 'nobody@invalid.test', subject: 'This one cannot be sent' });
    say('Enqueued 22 image jobs (one fails its first attempt, one is delayed by 1 s) and 2 emails.');
    await showStats('Before the worker runs:', url, prefix);

    const worker = await createWorker({ url, prefix, jobs, concurrency: 8, logger: { level: 'warn' } });
    let succeeded = 0;
    let retried = 0;
    worker.on('job:succeeded', () => void succeeded++);
    worker.on('job:retrying', () => void retried++);
    await worker.start();
    say(`\nWorker ${worker.consumer} started (concurrency 8).`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const stats = await sluice.stats();
      if (stats.every((s) => s.ready === 0 && s.running === 0 && s.delayed === 0)) break;
      if (Date.now() > deadline) throw new Error('the demo jobs did not finish within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await worker.stop();
    say(`Worker stopped: ${succeeded} jobs succeeded, ${retried} retried once.`);
    await showStats('After:', url, prefix);
    for (const d of await sluice.dead.list('emails')) {
      say(`\nDead letter in "emails": job ${d.job.name} (${d.reason}): ${d.error}`);
    }
  } finally {
    const keys = (await sluice.connection.send(['KEYS', `${prefix}:*`])) as string[];
    if (keys.length) await sluice.connection.send(['DEL', ...keys]);
    await sluice.close();
    await stopRedis?.();
  }
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
