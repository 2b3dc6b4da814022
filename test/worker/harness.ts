/** Shared set-up of the worker integration tests: a producer, tracked workers, event recording, raw reads. */
import { createSluice, GROUP, type QueueKeys, type Sluice } from '@sluice/core';
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

/** Start a worker with small timing knobs (lease 500 ms, block 1 s, grace 1 s), tracked by the leak guard. */
export async function startWorker(prefix: string, opts: Omit<WorkerOptions, 'url'>): Promise<Worker> {
  const w = await createWorker({
    url: redisUrl(),
    prefix,
    lease: 500,
    blockMs: 1000,
    shutdownGrace: 1000,
    logger: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
    ...opts,
  });
  track({ label: `worker ${w.consumer}`, isOpen: () => w.running, forceClose: () => w.stop() });
  await w.start();
  return w;
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

/** The dead-letter entries of a queue, oldest first. */
export async function deadEntries(s: Sluice, queue: string): Promise<Record<string, string>[]> {
  return (await s.dead.list(queue, 100)).map((d) => d.fields).reverse();
}

/** Raw XADD of fields onto a queue's stream. */
export async function rawAdd(s: Sluice, k: QueueKeys, fields: Record<string, string>): Promise<string> {
  return String(await s.connection.send(['XADD', k.stream, '*', ...Object.entries(fields).flat()]));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
