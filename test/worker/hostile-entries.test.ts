/** Entries no producer of ours writes, met by a running worker: dead-lettered with the reason, never lost. */
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { rawEntry } from '../queue-fixtures.js';
import { deadEntries, producer, record, startWorker, streamState } from './harness.js';

describe('hostile entries', () => {
  it('an entry written raw with 5,000 fields is dead-lettered (bounded, with a note), not lost', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'wide', handler: () => {} });
    const w = await startWorker(prefix, { jobs: [job] });
    const dead = record('job:dead', w);
    const fields: Record<string, string> = { id: 'wide-1', name: 'wide', attempt: '1' };
    for (let i = 0; i < 5000; i++) fields[`f${i}`] = `v${i}`;
    const entryId = await rawEntry(s.connection, s.keys('wide'), fields);
    await waitFor(() => dead.length === 1, 'dead-lettered');
    const [entry, ...more] = await deadEntries(s, 'wide');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      id: 'wide-1',
      reason: 'invalid',
      entryId,
      error: expect.stringMatching(/missing field\(s\) data/),
      truncated: 'kept 32 of 5000 other fields',
    });
    expect(Object.keys(entry ?? {}).length).toBeLessThan(50);
    expect(await streamState(s, s.keys('wide'))).toEqual({ len: 0, pending: 0 });
    await w.stop();
    await s.close();
  });

  it('one-pair entries with an empty name, an empty payload or a name without a handler are dead-lettered with the reason', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'pair', handler: () => {} });
    const w = await startWorker(prefix, { jobs: [job] });
    const dead = record('job:dead', w);
    const k = s.keys('pair');
    const bare = await rawEntry(s.connection, k, { '\u001f': '{}' });
    const empty = await rawEntry(s.connection, k, { '\u001fpair': '' });
    const ghost = await rawEntry(s.connection, k, { '\u001fghost': '{}' });
    await waitFor(() => dead.length === 3, 'three dead-lettered');
    const byEntry = new Map((await deadEntries(s, 'pair')).map((e) => [e.id, e]));
    expect(byEntry.get(bare)).toMatchObject({ reason: 'invalid', error: 'malformed entry: missing field(s) name' });
    expect(byEntry.get(empty)).toMatchObject({
      reason: 'invalid',
      name: 'pair',
      error: 'malformed entry: missing field(s) data',
    });
    // no handler: retried (written with its id and name) up to its attempts, then dead-lettered under its name
    expect(byEntry.get(ghost)).toMatchObject({ name: 'ghost', data: '{}', reason: 'no-handler', attempts: '3' });
    expect(await streamState(s, k)).toEqual({ len: 0, pending: 0 });
    await w.stop();
    await s.close();
  });
});
