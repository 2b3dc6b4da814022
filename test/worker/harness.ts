/** Shared set-up of the worker integration tests: a producer, tracked workers, event recording, raw reads. */
import { createSluice, type QueueKeys, type Sluice } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import {
  createWorker,
  type Worker,
  type WorkerEventMap,
  type WorkerEventName,
  type WorkerOptions,
} from '@sluice/worker';
import { redisUrl, track, uniquePrefix } from '../helpers.js';

/** A producer on a fresh prefix. */
export async function producer(prefix = uniquePrefix()): Promise<Sluice> {
  const s = await createSluice({ url: redisUrl(), prefix });
  track({ label: 'producer', isOpen: () => s.connection.client.isOpen, forceClose: () => s.connection.destroy() });
  return s;
}

/** The test timing knobs (lease 500 ms, block 1 s, grace 1 s) on the test server, quiet unless TEST_LOG_LEVEL. */
export const testKnobs = () => ({
  url: redisUrl(),
  lease: 500,
  blockMs: 1000,
  shutdownGrace: 1000,
  logger: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
});

/** Start `w` (a worker or a push dispatcher), tracked by the leak guard. */
export async function startTracked(w: Worker, label = 'worker'): Promise<Worker> {
  track({ label: `${label} ${w.consumer}`, isOpen: () => w.running, forceClose: () => w.stop() });
  await w.start();
  return w;
}

/** Start a worker with {@link testKnobs}, tracked by the leak guard. */
export async function startWorker(prefix: string, opts: Omit<WorkerOptions, 'url'>): Promise<Worker> {
  return startTracked(await createWorker({ ...testKnobs(), prefix, ...opts }));
}

/** Every payload of `event` emitted by `workers`, in order. */
export function record<K extends WorkerEventName>(event: K, ...workers: Worker[]): WorkerEventMap[K][] {
  const out: WorkerEventMap[K][] = [];
  for (const w of workers) w.on(event, (p) => out.push(p));
  return out;
}

/** XLEN of the stream and the pending count of the group. */
export async function streamState(s: Sluice, k: QueueKeys): Promise<{ len: number; pending: number }> {
  const len = Number(await s.connection.send(['XLEN', k.stream]));
  const p = (await s.connection.send(['XPENDING', k.stream, GROUP])) as [number];
  return { len, pending: Number(p[0]) };
}

/** The fields of a queue's dead-letter entries as stored, oldest first. */
export async function deadEntries(s: Sluice, queue: string): Promise<Record<string, string>[]> {
  return (await s.streams.xrange(s.keys(queue).dead, { count: 100 })).map((e) => e.fields);
}
