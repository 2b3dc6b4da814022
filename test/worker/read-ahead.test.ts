/**
 * Read-ahead with Redis: a worker whose runs are short reads beyond its slots; when a long run blocks the jobs it
 * holds, it hands them back and another worker runs them (no hoarding); none is lost or run twice, and shutdown
 * leaves nothing pending. A crash with held jobs is the fault suite's kill-worker case (default options).
 */
import { defineJob } from '@sluice/core';
import { expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, startWorker, streamState } from './harness.js';

it('a worker hands back the jobs it read ahead behind a long run: a second worker runs them, none lost', async () => {
  const prefix = uniquePrefix();
  const s = await producer(prefix);
  const runs: number[] = [];
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let longStarted = false;
  const job = defineJob({
    name: 'ra',
    handler: async (p: { n: number; long?: boolean }) => {
      if (p.long) {
        longStarted = true;
        await gate;
      }
      runs.push(p.n);
    },
  });
  const a = await startWorker(prefix, { jobs: [job], concurrency: 1, readAhead: 8 });
  // short runs first: read-ahead turns on
  await s.enqueueMany(
    job,
    [1, 2, 3, 4, 5].map((n) => ({ n })),
  );
  await waitFor(() => runs.length === 5, 'the short runs');
  // a long job, then short ones: the worker reads some of them ahead while the long one runs
  const short = [7, 8, 9, 10, 11, 12];
  await s.enqueueMany(job, [{ n: 6, long: true }, ...short.map((n) => ({ n }))]);
  await waitFor(() => longStarted, 'the long run started');
  const b = await startWorker(prefix, { jobs: [job], concurrency: 1 });
  await waitFor(() => short.every((n) => runs.includes(n)), 'the short jobs run by the second worker', 20_000);
  expect(runs).not.toContain(6); // the long run still goes on: the first worker did not keep them
  release();
  await waitFor(() => runs.length === 12, 'every job run');
  await Promise.all([a.stop(), b.stop()]);
  expect([...runs].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // each once
  expect(await streamState(s, s.keys('ra'))).toMatchObject({ pending: 0 });
  await s.close();
});

/**
 * Enqueue `total` jobs `{ n }` to a worker with `first` options, stop it once `stopWhen(runs)` holds (jobs held
 * or reads out), check nothing is left leased, then let a second worker at `concurrency` finish: each job runs once.
 */
async function stopMidway(
  name: string,
  total: number,
  first: { concurrency: number; readAhead: number },
  stopWhen: (runs: number[]) => boolean,
  concurrency: number,
): Promise<void> {
  const prefix = uniquePrefix();
  const s = await producer(prefix);
  const runs: number[] = [];
  let stopNow = () => {};
  const reached = new Promise<void>((r) => {
    stopNow = r;
  });
  const job = defineJob({
    name,
    handler: async (p: { n: number }) => {
      runs.push(p.n);
      if (stopWhen(runs)) stopNow();
    },
  });
  const a = await startWorker(prefix, { jobs: [job], ...first });
  await s.enqueueMany(
    job,
    Array.from({ length: total }, (_, i) => ({ n: i + 1 })),
  );
  await reached;
  await a.stop();
  expect(await streamState(s, s.keys(name))).toMatchObject({ pending: 0 }); // nothing left leased
  const b = await startWorker(prefix, { jobs: [job], concurrency });
  await waitFor(() => new Set(runs).size === total, 'every job run');
  await b.stop();
  expect(runs).toHaveLength(total); // none run twice
  await s.close();
}

it('shutdown hands back the jobs held ahead: a later worker runs each once', async () => {
  // stop at job 10, while later jobs are held (read ahead, not started)
  await stopMidway('rb', 40, { concurrency: 1, readAhead: 16 }, (runs) => runs.at(-1) === 10, 4);
});

it('a window over 64 is read in halves (a read sent beside each batch): shutdown mid-way leaves none lost or run twice', async () => {
  // window 80 (> 64): reads of 40, the next sent as soon as one is answered; stop while reads are out or answered
  await stopMidway('rc', 400, { concurrency: 40, readAhead: 40 }, (runs) => runs.length === 150, 40);
});
