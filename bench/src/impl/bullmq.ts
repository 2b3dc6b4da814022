/**
 * BullMQ (ioredis): Queue.add / Queue.addBulk, and one Worker with removeOnComplete and removeOnFail bounded
 * (it keeps the last 1000 completed and 5000 failed jobs, so it does not keep everything).
 */
import { Queue, Worker } from 'bullmq';
import type { BenchPayload } from '../payload.js';
import { type Impl, QUEUE } from './types.js';

const connectionOf = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null };
};

export const bullmq: Impl = {
  name: 'bullmq',
  producer: async (url) => {
    const q = new Queue<BenchPayload>(QUEUE, { connection: connectionOf(url) });
    q.on('error', () => {});
    await q.waitUntilReady();
    return {
      add: (p) => q.add(QUEUE, p),
      addBatch: (ps) => q.addBulk(ps.map((data) => ({ name: QUEUE, data }))),
      close: () => q.close(),
    };
  },
  worker: async (url, spec) => {
    const w = new Worker<BenchPayload>(
      QUEUE,
      async (job) => {
        spec.onJob(job.data);
      },
      {
        connection: connectionOf(url),
        concurrency: spec.concurrency,
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      },
    );
    w.on('error', () => {});
    await w.waitUntilReady();
    return { close: () => w.close() };
  },
};
