/**
 * A busy worker still reclaims a dead worker's jobs: a sweep may take abandoned jobs even when every slot is
 * taken, so they run ahead of the backlog instead of after it.
 *
 * No timing: the handlers hold their slots until the test opens a gate, so the slots are busy for certain when the
 * sweep claims (a sweep may hold up to `concurrency` reclaimed jobs waiting: 4 slots, 4 abandoned jobs); the dead worker's entries are made idle for an hour by hand (XCLAIM IDLE), so the next sweep takes
 * them whatever the machine's load, and the 3 s lease only sets when that sweep comes. A run whose lease a stalled
 * process lost runs again: every check counts distinct jobs and first starts.
 */
import { defineJob } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { crashedConsumer, groupCreated } from '../queue-fixtures.js';
import { producer, startWorker } from './harness.js';

const DEAD = 'dead-host:1:x';

it('reclaims abandoned jobs while every slot is busy with a backlog', async () => {
  const prefix = uniquePrefix();
  const s = await producer(prefix);
  const started: number[] = [];
  const done = new Set<number>();
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const job = defineJob({
    name: 'slow',
    handler: async (p: { i: number }) => {
      started.push(p.i);
      await gate; // both slots stay taken until the test has seen the reclaim
      done.add(p.i);
    },
  });
  const k = s.keys('slow');
  await groupCreated(s.connection, k);
  await s.enqueueMany(
    job,
    Array.from({ length: 60 }, (_, i) => ({ i })),
  );
  const w = await startWorker(prefix, { jobs: [job], concurrency: 4, lease: 3000 });
  await waitFor(() => started.length >= 4, 'the worker is busy');
  // a worker that dies right after reading four jobs: they stay in its pending list, idle (by hand) for an hour
  const entries = await crashedConsumer(s.connection, k, { count: 4, consumer: DEAD });
  const abandoned = entries.map((e) => (JSON.parse(e.fields.data as string) as { i: number }).i);
  expect(abandoned).toHaveLength(4);
  const ids = entries.map((e) => e.id);
  await s.connection.send(['XCLAIM', k.stream, GROUP, DEAD, '0', ...ids, 'IDLE', '3600000', 'JUSTID'], k.stream);
  const owners = async () =>
    ((await s.connection.send(['XPENDING', k.stream, GROUP, '-', '+', '100'], k.stream)) as [string, string][])
      .filter(([id]) => ids.includes(id))
      .map(([, owner]) => owner);
  await waitFor(async () => (await owners()).every((o) => o === w.consumer), 'the sweep claimed them', 30_000);
  expect(new Set(started).size).toBe(4); // claimed while every slot was still busy (the gate is closed)
  expect(started.some((i) => abandoned.includes(i))).toBe(false);
  open();
  await waitFor(() => done.size === 60, 'every job done', 30_000);
  // each abandoned job first started before any job of the backlog still unread when they were claimed
  const first = (i: number) => started.indexOf(i);
  const unread = Array.from({ length: 60 }, (_, i) => i).filter((i) => i > Math.max(...abandoned));
  expect(unread.length).toBeGreaterThan(40); // the backlog was still long
  for (const a of abandoned) expect(first(a)).toBeLessThan(Math.min(...unread.map(first)));
  await w.stop();
  await s.close();
});
