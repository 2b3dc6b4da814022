/**
 * Failover on a 3-master Redis Cluster with two replicas each: SIGKILL the master that owns a busy queue while a producer and a worker run.
 * The replica takes over, producer and worker resume by themselves, and no acknowledged enqueue is lost
 * (enqueues wait for one replica with WAIT and are retried with their idempotency key). Reports the time to
 * resume.
 */
import { createSluice, defineJob, type Sluice } from '@sluice/core';
import { createWorker, type Worker } from '@sluice/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sleep, uniquePrefix, waitFor } from '../helpers.js';
import { type LocalCluster, startCluster } from './harness.js';
import { slotOwner } from './slots.js';

let cluster: LocalCluster;
let sluice: Sluice;
let worker: Worker | undefined;
const prefix = uniquePrefix();

beforeAll(async () => {
  cluster = await startCluster(3, 2); // two replicas each: after a failover the new master still has one to WAIT for
  sluice = await createSluice({
    cluster: { rootNodes: cluster.nodes.map((n) => n.url) },
    prefix,
    replicaAcks: { replicas: 1, timeoutMs: 500 },
  });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await sluice?.close();
  await cluster?.stop();
});

it('a replica takes over a busy queue; nothing acknowledged is lost; time to resume is reported', async () => {
  const queue = 'busy';
  const doneAt = new Map<number, number>();
  let runs = 0;
  const job = defineJob({
    name: 'busy-job',
    queue,
    handler: async (p: { i: number }) => {
      runs++;
      if (!doneAt.has(p.i)) doneAt.set(p.i, Date.now());
    },
  });
  worker = await createWorker({
    cluster: { rootNodes: cluster.nodes.map((n) => n.url) },
    prefix,
    jobs: [job],
    lease: 2000,
    blockMs: 1000,
    shutdownGrace: 1000,
    logger: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
  });
  await worker.start();
  const ackedAt = new Map<number, number>();
  let failures = 0;
  let lastError = '';
  let stop = false;
  const produce = (async () => {
    for (let i = 0; i < 20_000 && !stop; i++) {
      for (let tries = 0; tries < 200 && !stop; tries++) {
        try {
          await sluice.enqueue(job, { i }, { key: `f-${i}` });
          ackedAt.set(i, Date.now());
          break;
        } catch (e) {
          failures++;
          lastError = (e as Error).message;
          await sleep(100); // back off before retrying the same key
        }
      }
      await sleep(5); // pacing of the load
    }
  })();
  await waitFor(() => doneAt.size > 100, 'jobs flowing before the kill');
  const master = await slotOwner(cluster, sluice.keys(queue).stream);
  const killedAt = Date.now();
  cluster.kill(master);
  await waitFor(() => [...ackedAt.values()].some((t) => t > killedAt + 100), 'an enqueue after the kill', 30_000).catch(
    (e: Error) => {
      throw new Error(`${e.message}; last enqueue error: ${lastError}`);
    },
  );
  await waitFor(() => [...doneAt.values()].some((t) => t > killedAt + 100), 'a job done after the kill', 30_000);
  const enqueueResumeMs = Math.min(...[...ackedAt.values()].filter((t) => t > killedAt + 100)) - killedAt;
  const workResumeMs = Math.min(...[...doneAt.values()].filter((t) => t > killedAt + 100)) - killedAt;
  await sleep(500); // keep producing a little on the new master
  stop = true;
  await produce;
  const newMaster = await slotOwner(cluster, sluice.keys(queue).stream);
  expect(newMaster).not.toBe(master);
  await waitFor(() => [...ackedAt.keys()].every((i) => doneAt.has(i)), 'every acknowledged job done', 30_000);
  const lost = [...ackedAt.keys()].filter((i) => !doneAt.has(i));
  expect(lost).toEqual([]);
  console.log(
    `[cluster] failover: master :${master} killed; enqueues resumed after ${enqueueResumeMs} ms, jobs after ${workResumeMs} ms; ` +
      `${ackedAt.size} acknowledged, 0 lost, ${runs - doneAt.size} duplicates, ${failures} enqueue attempts retried`,
  );
});
