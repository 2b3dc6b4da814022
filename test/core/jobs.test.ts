/** Jobs by id and by state (getJob, listJobs) and their control (cancel, delete, promote, retry, empty, delete queue) on a real Redis. */
import type { Sluice } from '@sluice/core';
import { ackDeliveries, deadLetter, promoteDue, retryLater } from '@sluice/core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveredTo, groupCreated } from '../queue-fixtures.js';
import { producer } from '../worker/harness.js';

let sluice: Sluice;
beforeEach(async () => {
  sluice = await producer();
});
afterEach(async () => {
  await sluice.close();
});

const Q = 'jobs';
const k = () => sluice.keys(Q);
const send = (...a: string[]) => sluice.connection.send(a, k().stream);
const run = async (n = 1, consumer = 'c1') => {
  await groupCreated(sluice.connection, k());
  return deliveredTo(sluice.connection, k(), consumer, n);
};
/** Deliver the next entries to c1 and dead-letter the one of job `id` (its entry id, or its `id` field). */
const dies = async (id: string) => {
  const e = (await run(10)).find((x) => (x.fields.id ?? x.id) === id);
  const fields = { id, name: 'mail', data: '{}', attempt: '3', enqueuedAt: '1' };
  const dl = { fields, reason: 'failed' as const, error: 'x', attempts: 3, failedAt: 1 };
  await deadLetter(sluice.connection, k(), 'c1', { entryId: e?.id as string, deliveries: 1 }, dl);
};

describe('getJob', () => {
  it('finds a ready job by the id enqueue returned, then running with its consumer, then nothing after the ack (index empty)', async () => {
    const { id } = await sluice.enqueue('mail', { to: 'a' }, { queue: Q });
    expect(await sluice.getJob(Q, id)).toMatchObject({
      id,
      state: 'ready',
      name: 'mail',
      data: '{"to":"a"}',
      attempt: 1,
    });
    const [e] = await run();
    const running = await sluice.getJob(Q, id);
    expect(running).toMatchObject({ state: 'running', entryId: e?.id, running: { consumer: 'c1', deliveries: 1 } });
    expect(running?.running?.idleMs).toBeGreaterThanOrEqual(0);
    await ackDeliveries(sluice.connection, k(), 'c1', [{ entryId: e?.id as string, deliveries: 1 }]);
    expect(await sluice.getJob(Q, id)).toBeNull();
    expect(await send('EXISTS', k().index)).toBe(0);
  });

  it('follows a job through retry-later (delayed, with firstFailedAt), promote-due (ready) and dead-letter (dead, with its error)', async () => {
    const { id } = await sluice.enqueue('mail', {}, { queue: Q });
    const [e] = await run();
    const env = { id, name: 'mail', data: '{}', attempt: 2, enqueuedAt: 1, firstFailedAt: 5 };
    const r = await retryLater(sluice.connection, k(), 'c1', { entryId: e?.id as string, deliveries: 1 }, 60_000, env);
    expect(r.ok).toBe(true);
    const d = await sluice.getJob(Q, id);
    expect(d).toMatchObject({ state: 'delayed', attempt: 2, firstFailedAt: 5 });
    expect(d?.dueAt).toBe(r.ok ? r.dueAt : -1);
    expect(await sluice.promoteJob(Q, id)).toMatchObject({ entryId: expect.stringMatching(/-/) });
    expect(await sluice.getJob(Q, id)).toMatchObject({ state: 'ready', attempt: 2 });
    const [e2] = await run();
    const fields = { id, name: 'mail', data: '{}', attempt: '2', enqueuedAt: '1' };
    const dl = { fields, reason: 'failed' as const, error: 'boom', attempts: 2, failedAt: 9 };
    await deadLetter(sluice.connection, k(), 'c1', { entryId: e2?.id as string, deliveries: 1 }, dl);
    const dead = await sluice.getJob(Q, id);
    expect(dead).toMatchObject({ state: 'dead', name: 'mail', dead: { reason: 'failed', error: 'boom' } });
  });

  it('promote-due points the index at the new stream entry', async () => {
    const { id } = await sluice.enqueue('mail', {}, { queue: Q, at: Date.now() - 1000 });
    expect((await sluice.getJob(Q, id))?.state).toBe('delayed');
    await promoteDue(sluice.connection, k(), 10);
    expect((await sluice.getJob(Q, id))?.state).toBe('ready');
  });

  it('ack drops the index entry of a job with its own id (passed as Delivery.jobId); an immediate job has none', async () => {
    const a = await sluice.enqueue('mail', {}, { queue: Q });
    const b = await sluice.enqueue('mail', {}, { queue: Q });
    const [ea] = await run(1);
    const env = { id: a.id, name: 'mail', data: '{}', attempt: 2, enqueuedAt: 1 };
    await retryLater(sluice.connection, k(), 'c1', { entryId: ea?.id as string, deliveries: 1 }, 0, env);
    expect(await send('HGET', k().index, a.id)).toMatch(/^s\d+-\d+$/);
    const [eb, ea2] = await run(2);
    expect([eb?.id, eb?.fields.id, ea2?.fields.id]).toEqual([b.id, undefined, a.id]);
    const r = await ackDeliveries(sluice.connection, k(), 'c1', [
      { entryId: ea2?.id as string, deliveries: 1, jobId: a.id },
      { entryId: eb?.id as string, deliveries: 1, jobId: eb?.fields.id },
    ]);
    expect(r).toEqual([{ ok: true }, { ok: true }]);
    expect(await sluice.getJob(Q, a.id)).toBeNull();
    expect(await sluice.getJob(Q, b.id)).toBeNull();
    expect(await send('EXISTS', k().index)).toBe(0);
  });

  it('an entry id that names a job with its own id field, or a wake marker, is not found by that entry id', async () => {
    const a = await sluice.enqueue('mail', {}, { queue: Q });
    const [ea] = await run(1);
    const env = { id: a.id, name: 'mail', data: '{}', attempt: 2, enqueuedAt: 1 };
    await retryLater(sluice.connection, k(), 'c1', { entryId: ea?.id as string, deliveries: 1 }, 0, env);
    const moved = String(await send('HGET', k().index, a.id)).slice(1);
    expect(await sluice.getJob(Q, a.id)).toMatchObject({ id: a.id, state: 'ready', entryId: moved, attempt: 2 });
    expect(await sluice.getJob(Q, moved)).toBeNull();
    const wake = String(await send('XADD', k().stream, '*', 'wake', '1'));
    expect(await sluice.getJob(Q, wake)).toBeNull();
    expect(await sluice.deleteJob(Q, wake)).toEqual({ done: 'not-found' });
  });

  it('returns null for an unknown id and refuses a malformed one', async () => {
    expect(await sluice.getJob(Q, 'nope')).toBeNull();
    await expect(sluice.getJob(Q, 'a b')).rejects.toThrow(/job id must be/);
  });
});

describe('cancel, delete, promote, retry', () => {
  it('cancels a ready and a delayed job: they never run and are recorded as cancelled (with a TTL)', async () => {
    const a = await sluice.enqueue('mail', { n: 1 }, { queue: Q });
    const b = await sluice.enqueue('mail', { n: 2 }, { queue: Q, delay: 60_000 });
    expect(await sluice.cancelJob(Q, a.id)).toEqual({ done: 'removed', from: 'ready' });
    expect(await sluice.cancelJob(Q, b.id)).toEqual({ done: 'removed', from: 'delayed' });
    expect(await sluice.getJob(Q, a.id)).toMatchObject({
      state: 'cancelled',
      data: '{"n":1}',
      cancelled: { from: 'ready' },
    });
    expect(await sluice.getJob(Q, b.id)).toMatchObject({ state: 'cancelled', cancelled: { from: 'delayed' } });
    expect(Number(await send('PTTL', k().cancelled(a.id)))).toBeGreaterThan(0);
    expect((await sluice.streams.xrange(k().stream)).filter((x) => !x.fields.wake)).toEqual([]);
    expect(await send('ZCARD', k().delayed)).toBe(0);
    expect((await run(10)).filter((x) => !x.fields.wake)).toEqual([]);
    expect(await sluice.cancelJob(Q, a.id)).toEqual({ done: 'not-found' });
  });

  it('a running job gets a cancel request its worker picks up; the ack clears it or it expires; delete refuses it', async () => {
    const { id } = await sluice.enqueue('mail', {}, { queue: Q });
    const [e] = await run();
    expect(await sluice.cancelJob(Q, id)).toEqual({ done: 'cancel-requested', consumer: 'c1' });
    expect(await sluice.deleteJob(Q, id)).toEqual({ done: 'refused', state: 'running' });
    expect((await sluice.getJob(Q, id))?.running?.cancelRequestedAt).toBeGreaterThan(0);
    // a job whose id is its entry id: the common ack does not touch the requests; they expire with the hash
    await ackDeliveries(sluice.connection, k(), 'c1', [{ entryId: e?.id as string, deliveries: 1 }]);
    expect(await sluice.getJob(Q, id)).toBeNull();
    const ttl = Number(await send('PTTL', k().cancels));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(24 * 3600 * 1000);
    // a job with its own id (retried): the ack that passes it clears its request
    await send('DEL', k().cancels);
    const b = await sluice.enqueue('mail', {}, { queue: Q, delay: 60_000 });
    await sluice.promoteJob(Q, b.id);
    const eb = (await run(5)).find((x) => x.fields.id === b.id); // after the delayed job's wake marker
    expect(await sluice.cancelJob(Q, b.id)).toEqual({ done: 'cancel-requested', consumer: 'c1' });
    await ackDeliveries(sluice.connection, k(), 'c1', [{ entryId: eb?.id as string, deliveries: 1, jobId: b.id }]);
    expect(await send('EXISTS', k().cancels)).toBe(0);
    expect(await send('EXISTS', k().index)).toBe(0);
  });

  it('deletes a ready, delayed and dead job without a record; retries a dead job by its job id', async () => {
    const a = await sluice.enqueue('mail', {}, { queue: Q });
    const b = await sluice.enqueue('mail', {}, { queue: Q, delay: 60_000 });
    expect(await sluice.deleteJob(Q, a.id)).toEqual({ done: 'removed', from: 'ready' });
    expect(await sluice.deleteJob(Q, b.id)).toEqual({ done: 'removed', from: 'delayed' });
    expect(await sluice.getJob(Q, a.id)).toBeNull();
    const c = await sluice.enqueue('mail', {}, { queue: Q });
    await dies(c.id);
    expect(await sluice.cancelJob(Q, c.id)).toEqual({ done: 'refused', state: 'dead' });
    expect(await sluice.promoteJob(Q, c.id)).toBe('not-delayed');
    expect(await sluice.retryJob(Q, c.id)).toBe('moved');
    expect(await sluice.getJob(Q, c.id)).toMatchObject({ state: 'ready', attempt: 1 });
    expect(await sluice.retryJob(Q, c.id)).toBe('not-dead');
    expect(await sluice.retryJob(Q, 'nope')).toBe('not-found');
    await dies(c.id);
    expect(await sluice.deleteJob(Q, c.id)).toEqual({ done: 'removed', from: 'dead' });
    expect(await send('EXISTS', k().index)).toBe(0);
  });

  it('purging the dead stream removes the dead jobs from the index', async () => {
    const c = await sluice.enqueue('mail', {}, { queue: Q });
    await dies(c.id);
    expect(await sluice.dead.purge(Q)).toBe(1);
    expect(await send('EXISTS', k().index)).toBe(0);
  });
});

describe('listJobs', () => {
  it('pages ready jobs oldest and newest first with a cursor, filters by name and search', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await sluice.enqueue(i % 2 ? 'b' : 'a', { n: `v${i}` }, { queue: Q })).id);
    const p1 = await sluice.listJobs(Q, { state: 'ready', limit: 2 });
    expect(p1.jobs.map((j) => j.id)).toEqual(ids.slice(0, 2));
    const p2 = await sluice.listJobs(Q, { state: 'ready', limit: 2, cursor: p1.cursor as string });
    expect(p2.jobs.map((j) => j.id)).toEqual(ids.slice(2, 4));
    const p3 = await sluice.listJobs(Q, { state: 'ready', limit: 2, cursor: p2.cursor as string });
    expect(p3).toEqual({ jobs: [expect.objectContaining({ id: ids[4] })], cursor: null });
    const newest = await sluice.listJobs(Q, { state: 'ready', limit: 2, order: 'newest' });
    expect(newest.jobs.map((j) => j.id)).toEqual([ids[4], ids[3]]);
    expect((await sluice.listJobs(Q, { state: 'ready', name: 'b' })).jobs.map((j) => j.id)).toEqual([ids[1], ids[3]]);
    expect((await sluice.listJobs(Q, { state: 'ready', search: 'v2' })).jobs.map((j) => j.id)).toEqual([ids[2]]);
    expect((await sluice.listJobs(Q, { state: 'ready', search: ids[3] })).jobs.map((j) => j.id)).toEqual([ids[3]]);
  });

  it('lists running jobs with their consumer, delayed by due time, and dead jobs', async () => {
    const a = await sluice.enqueue('a', {}, { queue: Q });
    const b = await sluice.enqueue('b', {}, { queue: Q });
    await run(1);
    const d1 = await sluice.enqueue('d', {}, { queue: Q, delay: 90_000 });
    const d2 = await sluice.enqueue('d', {}, { queue: Q, delay: 60_000 });
    expect((await sluice.listJobs(Q, { state: 'ready' })).jobs.map((j) => j.id)).toEqual([b.id]);
    const running = await sluice.listJobs(Q, { state: 'running' });
    expect(running.jobs).toEqual([
      expect.objectContaining({ id: a.id, running: expect.objectContaining({ consumer: 'c1' }) }),
    ]);
    const delayed = await sluice.listJobs(Q, { state: 'delayed', limit: 1 });
    expect(delayed.jobs.map((j) => j.id)).toEqual([d2.id]);
    expect(
      (await sluice.listJobs(Q, { state: 'delayed', cursor: delayed.cursor as string })).jobs.map((j) => j.id),
    ).toEqual([d1.id]);
    expect((await sluice.listJobs(Q, { state: 'delayed', order: 'newest' })).jobs.map((j) => j.id)).toEqual([
      d1.id,
      d2.id,
    ]);
    expect((await sluice.listJobs(Q, { state: 'dead' })).jobs).toEqual([]);
  });

  it('refuses a bad state, limit, order or cursor naming the field', async () => {
    await expect(sluice.listJobs(Q, { state: 'done' as never })).rejects.toThrow(/state must be one of/);
    await expect(sluice.listJobs(Q, { state: 'ready', limit: 0 })).rejects.toThrow(/limit must be/);
    await expect(sluice.listJobs(Q, { state: 'ready', order: 'x' as never })).rejects.toThrow(/order must be/);
    await expect(sluice.listJobs(Q, { state: 'ready', cursor: 'zz' })).rejects.toThrow(/cursor must be/);
  });
});

describe('emptyQueue and deleteQueue', () => {
  it('empties ready and delayed jobs (more than one chunk) and their index entries, keeps the running one', async () => {
    await sluice.enqueueMany(
      'a',
      Array.from({ length: 1203 }, (_, i) => ({ i })),
      { queue: Q },
    );
    await sluice.enqueueMany(
      'a',
      Array.from({ length: 3 }, (_, i) => ({ i })),
      { queue: Q, delay: 60_000 },
    );
    const [e] = await run(1);
    expect(await sluice.emptyQueue(Q)).toEqual({ ready: 1202, delayed: 3 });
    // the running job and the `wake` markers of the delayed jobs stay
    expect((await sluice.streams.xrange(k().stream)).filter((x) => !x.fields.wake).map((x) => x.id)).toEqual([e?.id]);
    expect(await sluice.listJobs(Q, { state: 'ready' })).toEqual({ jobs: [], cursor: null });
    // the running job's id is its entry id: it has no index entry; the delayed jobs' entries went with them
    expect(await send('EXISTS', k().index)).toBe(0);
    expect(await sluice.getJob(Q, e?.id as string)).toMatchObject({ state: 'running' });
    await ackDeliveries(sluice.connection, k(), 'c1', [{ entryId: e?.id as string, deliveries: 1 }]);
    expect(await send('EXISTS', k().index)).toBe(0);
  });

  it('refuses to delete a queue with a live worker unless forced, then deletes every key under its tag', async () => {
    const { id } = await sluice.enqueue('a', {}, { queue: Q, key: 'k1' });
    await sluice.enqueue('a', {}, { queue: Q });
    await run(1);
    await sluice.cancelJob(Q, (await sluice.listJobs(Q, { state: 'ready' })).jobs[0]?.id as string);
    // c1 holds a job; it is a live worker while a connection of its is named as its reading connection of Q
    await send('CLIENT', 'SETNAME', `sluice:c1:block:${Q}`);
    await expect(sluice.deleteQueue(Q)).rejects.toThrow(/1 live worker.*c1.*force/);
    await send('CLIENT', 'SETNAME', '');
    // the stream, the idempotency key and the cancelled record (immediate jobs have no index entry)
    expect(await sluice.deleteQueue(Q, { force: true })).toBe(3);
    expect(await send('KEYS', `${sluice.prefix}:{${Q}}:*`)).toEqual([]);
    expect(await sluice.queues()).toEqual([]);
    expect(await sluice.getJob(Q, id)).toBeNull();
  });
});
