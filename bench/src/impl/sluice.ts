/**
 * Sluice: createSluice().enqueue / enqueueMany, and one createWorker() with the given concurrency. Every
 * guarantee stays on (fenced acks, leases, dead letters). `commandTimeout` set means @redis/client's
 * per-command timeout is armed (the `sluice-timer` variant); unset means Sluice's default.
 */
import { createSluice, defineJob, type RedisClientLike } from '@sluice/core';
import { createSluiceClient } from '@sluice/core/internal';
import { createWorker } from '@sluice/worker';
import type { BenchPayload } from '../payload.js';
import { type Impl, QUEUE, type WorkerSpec } from './types.js';

const noop = defineJob({ name: QUEUE, handler: async (_p: BenchPayload) => {} });

export function sluice(commandTimeout?: number): Impl {
  const clientFor = (url: string): { url?: string; client?: RedisClientLike } =>
    commandTimeout === undefined ? { url } : { client: createSluiceClient(url, 5000, commandTimeout) };
  return {
    name: commandTimeout === undefined ? 'sluice' : 'sluice-timer',
    producer: async (url) => {
      const s = await createSluice(clientFor(url));
      const opened = s.connection.client;
      return {
        add: (p) => s.enqueue(noop, p),
        addBatch: (ps) => s.enqueueMany(noop, ps),
        close: async () => {
          await s.close();
          if (commandTimeout !== undefined) await opened.close();
        },
      };
    },
    worker: async (url, spec: WorkerSpec) => {
      const job = defineJob({
        name: QUEUE,
        handler: async (p: BenchPayload) => {
          spec.onJob(p);
        },
      });
      const opts = clientFor(url);
      const w = await createWorker({ ...opts, jobs: [job], concurrency: spec.concurrency, logger: { level: 'error' } });
      await w.start();
      return {
        close: async () => {
          await w.stop();
          if (opts.client) await opts.client.close();
        },
      };
    },
  };
}
