/**
 * The minimal raw @redis/client streams loop: XADD to enqueue; one consumer reading XREADGROUP COUNT <c>
 * (handlers of a batch run together), then XACK + XDEL of the whole batch pipelined with the next read.
 * No fencing, retries, leases or dead letters: the ceiling the others are measured against. No per-command
 * timeout (`commandOptions: { timeout: 0 }`), so no timer is armed per command.
 */
import { createClient, type RedisClientType } from '@redis/client';
import type { BenchPayload } from '../payload.js';
import { type Impl, QUEUE, type RunningWorker, type WorkerSpec } from './types.js';

const STREAM = `raw:${QUEUE}`;
const GROUP = 'workers';

async function connect(url: string): Promise<RedisClientType> {
  const c = createClient({ url, commandOptions: { timeout: 0 } }) as RedisClientType;
  c.on('error', () => {});
  await c.connect();
  return c;
}

type ReadReply = Record<string, [string, string[]][]> | null;

async function worker(url: string, spec: WorkerSpec): Promise<RunningWorker> {
  const c = await connect(url);
  const blocking = c.duplicate();
  blocking.on('error', () => {});
  await blocking.connect();
  await c.sendCommand(['XGROUP', 'CREATE', STREAM, GROUP, '0', 'MKSTREAM']).catch((e: Error) => {
    if (!e.message.startsWith('BUSYGROUP')) throw e;
  });
  const consumer = `raw-${process.pid}`;
  const count = String(spec.concurrency);
  let running = true;
  const acks = new Set<Promise<unknown>>();
  const handle = async (fields: string[]) => {
    spec.onJob(JSON.parse(fields[1] as string) as BenchPayload);
  };
  const loop = (async () => {
    while (running) {
      let r: ReadReply;
      try {
        r = (await blocking.sendCommand([
          'XREADGROUP',
          'GROUP',
          GROUP,
          consumer,
          'COUNT',
          count,
          'BLOCK',
          '30000',
          'STREAMS',
          STREAM,
          '>',
        ])) as ReadReply;
      } catch (e) {
        if (!running) return;
        throw e;
      }
      const entries = r?.[STREAM];
      if (!entries?.length) continue;
      await Promise.all(entries.map((e) => handle(e[1])));
      const ids = entries.map((e) => e[0]);
      const p = Promise.all([c.sendCommand(['XACK', STREAM, GROUP, ...ids]), c.sendCommand(['XDEL', STREAM, ...ids])]);
      acks.add(p);
      p.finally(() => acks.delete(p));
    }
  })();
  return {
    close: async () => {
      running = false;
      blocking.destroy();
      await loop.catch(() => {});
      await Promise.all(acks);
      await c.close();
    },
  };
}

export const raw: Impl = {
  name: 'raw',
  producer: async (url) => {
    const c = await connect(url);
    const add = (p: BenchPayload) => c.sendCommand(['XADD', STREAM, '*', 'data', JSON.stringify(p)]);
    return {
      add,
      addBatch: (ps) => Promise.all(ps.map(add)),
      close: () => c.close(),
    };
  },
  worker,
};
