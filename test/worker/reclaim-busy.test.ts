/**
 * A busy worker still reclaims a dead worker's jobs: a sweep may take abandoned jobs even when every slot is
 * taken, so they run ahead of the backlog instead of after it.
 */
import { defineJob } from '@sluice/core';
import { expect, it } from 'vitest';
import { sleep, uniquePrefix, waitFor } from '../helpers.js';
import { crashedConsumer, groupCreated } from '../queue-fixtures.js';
import { producer, startWorker } from './harness.js';

it('reclaims abandoned jobs while every slot is busy with a backlog', async () => {
  const prefix = uniquePrefix();
  const s = await producer(prefix);
  const order: number[] = [];
  const job = defineJob({
    name: 'slow',
    handler: async (p: { i: number }) => {
      await sleep(150); // the work: the backlog of 60 takes 4.5 s on 2 slots
      order.push(p.i);
    },
  });
  const k = s.keys('slow');
  await groupCreated(s.connection, k);
  await s.enqueueMany(
    job,
    Array.from({ length: 60 }, (_, i) => ({ i })),
  );
  const w = await startWorker(prefix, { jobs: [job], concurrency: 2, lease: 400 });
  await waitFor(() => order.length >= 2, 'the worker is busy');
  // a worker that dies right after reading four jobs: they stay in its pending list
  const abandoned = (await crashedConsumer(s.connection, k, { count: 4, consumer: 'dead-host:1:x' })).map(
    (e) => (JSON.parse(e.fields.data as string) as { i: number }).i,
  );
  expect(abandoned).toHaveLength(4);
  await waitFor(() => abandoned.every((i) => order.includes(i)), 'the abandoned jobs done', 30_000);
  const doneBefore = order.length;
  expect(doneBefore).toBeLessThan(45); // well before the backlog of 60 (60 x 150 ms / 2 slots = 4.5 s) ends
  await waitFor(() => order.length === 60, 'every job done', 30_000);
  expect(new Set(order).size).toBe(60);
  await w.stop();
  await s.close();
});
