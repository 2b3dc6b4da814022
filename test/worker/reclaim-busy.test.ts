/**
 * A busy worker still reclaims a dead worker's jobs: a sweep may take abandoned jobs even when every slot is
 * taken, so they run ahead of the backlog instead of after it.
 */
import { defineJob } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, startWorker } from './harness.js';

it('reclaims abandoned jobs while every slot is busy with a backlog', async () => {
  const prefix = uniquePrefix();
  const s = await producer(prefix);
  const order: number[] = [];
  const job = defineJob({
    name: 'slow',
    handler: async (p: { i: number }) => {
      await new Promise((r) => setTimeout(r, 150));
      order.push(p.i);
    },
  });
  const k = s.keys('slow');
  await s.connection.send(['XGROUP', 'CREATE', k.stream, GROUP, '0', 'MKSTREAM']);
  await s.enqueueMany(
    job,
    Array.from({ length: 60 }, (_, i) => ({ i })),
  );
  const w = await startWorker(prefix, { jobs: [job], concurrency: 2, lease: 400 });
  await waitFor(() => order.length >= 2, 'the worker is busy');
  // a worker that dies right after reading: its entries stay in the pending list
  const read = (await s.connection.send([
    'XREADGROUP',
    'GROUP',
    GROUP,
    'dead-host:1:x',
    'COUNT',
    '4',
    'STREAMS',
    k.stream,
    '>',
  ])) as Record<string, Array<[string, string[]]>>;
  const abandoned = (Object.values(read)[0] ?? []).map(
    ([, f]) => JSON.parse(f[f.indexOf('data') + 1] as string).i as number,
  );
  expect(abandoned).toHaveLength(4);
  await waitFor(() => abandoned.every((i) => order.includes(i)), 'the abandoned jobs done', 20_000);
  const doneBefore = order.length;
  expect(doneBefore).toBeLessThan(45); // well before the backlog of 60 (60 x 150 ms / 2 slots = 4.5 s) ends
  await waitFor(() => order.length === 60, 'every job done', 20_000);
  expect(new Set(order).size).toBe(60);
  await w.stop();
  await s.close();
});
