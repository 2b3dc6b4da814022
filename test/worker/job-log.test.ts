/** The one log line of a finished job: at debug, with queue, job, id, attempt and duration; never its return value. */
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startWorker } from './harness.js';

async function runOne(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) };
  const job = defineJob({ name: 'ledger', handler: () => ({ secret: 'returned-value-never-logged' }) });
  const prefix = uniquePrefix();
  const w = await startWorker(prefix, { jobs: [job], logger: { level, destination } });
  const done = record('job:succeeded', w);
  const s = await producer(prefix);
  const { id } = await s.enqueue(job, {});
  await waitFor(() => done.length === 1, 'the job to succeed');
  await w.stop();
  await s.close();
  return { lines, id };
}

describe('job log line', () => {
  it('at debug each succeeded job logs one line with its duration; the return value is never logged', async () => {
    const { lines, id } = await runOne('debug');
    const ok = lines.filter((l) => l.msg === 'job succeeded');
    expect(ok).toEqual([
      expect.objectContaining({
        level: 'debug',
        queue: 'ledger',
        job: 'ledger',
        jobId: id,
        attempt: 1,
        durationMs: expect.any(Number),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('returned-value-never-logged');
  });

  it('at info there is no per-job line', async () => {
    const { lines } = await runOne('info');
    expect(lines.filter((l) => l.msg === 'job succeeded')).toEqual([]);
  });
});
