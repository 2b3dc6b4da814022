/** Signed HTTP push end to end: a real handler server on 127.0.0.1 and dispatchers reading real queues. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineJob, UnrecoverableError } from '@sluice/core';
import { RetryAfterError } from '@sluice/worker/fetch';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redisUrl, waitFor } from '../helpers.js';
import { leaseRenewed } from '../queue-fixtures.js';
import { deadEntries, producer, record, streamState } from '../worker/harness.js';
import { handlerServer, recordingJob, signedPost, startDispatcher } from './push-harness.js';

const SECRET = 'test-secret-1';

describe('push: dispatcher -> signed POST -> fetch handler', () => {
  it('success: the handler runs once with the payload, the job is acked', async () => {
    const { job, calls } = recordingJob<{ to: string }>('send');
    const srv = await handlerServer({ jobs: [job], secrets: SECRET });
    const s = await producer();
    const d = await startDispatcher(s.prefix, { to: srv.url, secrets: SECRET, queues: ['send'] });
    const done = record('job:succeeded', d);
    const { id } = await s.enqueue('send', { to: 'ada@example.com' });
    await waitFor(() => done.length === 1, 'the job to succeed');
    expect(calls).toEqual([{ payload: { to: 'ada@example.com' }, attempt: 1, jobId: id }]);
    expect(await streamState(s, s.keys('send'))).toEqual({ len: 0, pending: 0 });
    await d.stop();
    await srv.close();
    await s.close();
  });

  it('a handler error answers 500: retried with backoff, then succeeds', async () => {
    const { job, calls } = recordingJob<object>('flaky', (_p, attempt) => {
      if (attempt === 1) throw new Error('database is down');
    });
    const srv = await handlerServer({ jobs: [job], secrets: SECRET });
    const s = await producer();
    const d = await startDispatcher(s.prefix, {
      to: srv.url,
      secrets: SECRET,
      queues: ['flaky'],
      backoff: { type: 'fixed', delay: 50 },
    });
    const retrying = record('job:retrying', d);
    const done = record('job:succeeded', d);
    await s.enqueue('flaky', {});
    await waitFor(() => done.length === 1, 'the retry to succeed');
    expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
    expect(retrying[0]?.error.message).toMatch(
      /^POST http:\/\/127\.0\.0\.1:\d+\/sluice answered 500: database is down$/,
    );
    expect(retrying[0]?.delayMs).toBe(50);
    await d.stop();
    await srv.close();
    await s.close();
  });

  it('Retry-After from the handler (503) sets the retry delay', async () => {
    const { job } = recordingJob<object>('busy', (_p, attempt) => {
      if (attempt === 1) throw new RetryAfterError('rate limited upstream', 1000);
    });
    const srv = await handlerServer({ jobs: [job], secrets: SECRET });
    const s = await producer();
    const d = await startDispatcher(s.prefix, { to: srv.url, secrets: SECRET, queues: ['busy'] });
    const retrying = record('job:retrying', d);
    const done = record('job:succeeded', d);
    await s.enqueue('busy', {});
    await waitFor(() => done.length === 1, 'the retry after 1 s to succeed');
    expect(retrying[0]?.delayMs).toBe(1000);
    expect(retrying[0]?.error.message).toMatch(/answered 503: rate limited upstream/);
    await d.stop();
    await srv.close();
    await s.close();
  });

  it('422 (invalid payload, UnrecoverableError) dead-letters at once with the reason', async () => {
    const strict = defineJob({ name: 'strict', schema: z.object({ to: z.string().email() }), handler: () => {} });
    const { job: refuse } = recordingJob<object>('refuse', () => {
      throw new UnrecoverableError('account closed');
    });
    const srv = await handlerServer({ jobs: [strict, refuse], secrets: SECRET });
    const s = await producer();
    const d = await startDispatcher(s.prefix, { to: srv.url, secrets: SECRET, queues: ['strict', 'refuse'] });
    const dead = record('job:dead', d);
    await s.enqueue('strict', { to: 'not-an-email' });
    await s.enqueue('refuse', {});
    await waitFor(() => dead.length === 2, 'both jobs to be dead-lettered');
    const [bad] = await deadEntries(s, 'strict');
    expect(bad).toMatchObject({ reason: 'unrecoverable', attempts: '1', name: 'strict' });
    expect(bad?.error).toMatch(/answered 422: invalid payload for job "strict": to: /);
    expect((await deadEntries(s, 'refuse'))[0]?.error).toMatch(/answered 422: account closed$/);
    expect(await streamState(s, s.keys('strict'))).toEqual({ len: 0, pending: 0 });
    await d.stop();
    await srv.close();
    await s.close();
  });

  it('forged signature, wrong secret, stale timestamp, replayed delivery id: 401 and the handler never runs', async () => {
    const { job, calls } = recordingJob<object>('guarded');
    const srv = await handlerServer({ jobs: [job], secrets: SECRET });
    const body = JSON.stringify({ id: 'job1', name: 'guarded', queue: 'guarded', attempt: 1, payload: {} });
    const forged = await signedPost(srv.url, body, { secret: SECRET, signature: `v1=${'ab'.repeat(32)}` });
    const wrong = await signedPost(srv.url, body, { secret: 'not-the-secret' });
    const stale = await signedPost(srv.url, body, { secret: SECRET, ts: Math.floor(Date.now() / 1000) - 301 });
    const unsigned = await fetch(srv.url, { method: 'POST', body });
    for (const r of [forged, wrong, stale, unsigned]) expect(r.status).toBe(401);
    expect(((await stale.json()) as { error: string }).error).toMatch(/timestamp is 30\d s away/);
    const ok = await signedPost(srv.url, body, { secret: SECRET, id: 'job1:1:replay' });
    expect(ok.status).toBe(200);
    const replay = await signedPost(srv.url, body, { secret: SECRET, id: 'job1:1:replay' });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ error: 'replayed delivery id' });
    expect(calls).toHaveLength(1);
    await srv.close();
  });

  it('secret rotation: the handler accepts the old and the new secret; a dispatcher on either works', async () => {
    const { job, calls } = recordingJob<object>('rotate');
    const srv = await handlerServer({ jobs: [job], secrets: ['new-secret', 'old-secret'] });
    const s = await producer();
    const d1 = await startDispatcher(s.prefix, { to: srv.url, secrets: 'old-secret', queues: ['rotate'] });
    const done = record('job:succeeded', d1);
    await s.enqueue('rotate', {});
    await waitFor(() => done.length === 1, 'the job signed with the old secret');
    await d1.stop();
    const d2 = await startDispatcher(s.prefix, {
      to: srv.url,
      secrets: ['new-secret', 'old-secret'],
      queues: ['rotate'],
    });
    const done2 = record('job:succeeded', d2);
    await s.enqueue('rotate', {});
    await waitFor(() => done2.length === 1, 'the job signed with the new secret');
    expect(calls).toHaveLength(2);
    const retired = await signedPost(srv.url, '{}', { secret: 'retired-secret' });
    expect(retired.status).toBe(401);
    await d2.stop();
    await srv.close();
    await s.close();
  });

  it('the lease is kept while a request is in flight (renewed past a whole lease: one delivery)', async () => {
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const { job, calls } = recordingJob<object>('slow', () => held);
    const srv = await handlerServer({ jobs: [job], secrets: SECRET });
    const s = await producer();
    // A lease of 3 s, renewed every second: a renewal may come up to 2 s late (a stalled machine) and still hold.
    const a = await startDispatcher(s.prefix, { to: srv.url, secrets: SECRET, queues: ['slow'], lease: 3000 });
    const b = await startDispatcher(s.prefix, { to: srv.url, secrets: SECRET, queues: ['slow'], lease: 3000 });
    const done = record('job:succeeded', a, b);
    await s.enqueue('slow', {});
    await waitFor(() => calls.length === 1, 'the request to reach the handler');
    // five renewals: the request has been in flight for more than a lease, with both dispatchers sweeping
    await leaseRenewed(s.connection, s.keys('slow'), 1, 5);
    release();
    await waitFor(() => done.length === 1, 'the slow job to succeed');
    expect(calls).toHaveLength(1);
    await Promise.all([a.stop(), b.stop()]);
    await srv.close();
    await s.close();
  });
});

describe('push: dispatcher killed mid-request', () => {
  const fixture = fileURLToPath(new URL('../fixtures/push-dispatcher-app.ts', import.meta.url));
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0))
      if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
  });

  it('the job is delivered again by another dispatcher after the lease, and completes; nothing lost', async () => {
    const deliveries: string[] = [];
    let arrived: () => void = () => {};
    const firstArrived = new Promise<void>((r) => {
      arrived = r;
    });
    const { job, calls } = recordingJob<object>('hold', async (_p, _attempt, signal) => {
      if (calls.length > 1) return;
      arrived();
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    });
    const srv = await handlerServer({ jobs: [job], secrets: SECRET });
    srv.server.on('request', (req) => deliveries.push(String(req.headers['sluice-delivery'])));
    const s = await producer();
    const child = spawn(process.execPath, ['--conditions=@sluice/source', '--import', 'tsx', fixture], {
      cwd: root,
      env: {
        ...process.env,
        REDIS_URL: redisUrl(),
        PREFIX: s.prefix,
        TO: srv.url,
        SECRET,
        QUEUE: 'hold',
        LEASE: '800',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const exited = new Promise((r) => child.once('exit', r));
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    await waitFor(() => out.includes('ready '), 'the dispatcher process to start', 30_000);
    const { id } = await s.enqueue('hold', {});
    await firstArrived;
    process.kill(child.pid as number, 'SIGKILL');
    await exited;
    expect(await streamState(s, s.keys('hold'))).toEqual({ len: 1, pending: 1 });

    const d = await startDispatcher(s.prefix, { to: srv.url, secrets: SECRET, queues: ['hold'], lease: 500 });
    const done = record('job:succeeded', d);
    await waitFor(() => done.length === 1, 'the job to be delivered again and complete');
    expect(calls.map((c) => [c.jobId, c.attempt])).toEqual([
      [id, 1],
      [id, 1],
    ]);
    expect(new Set(deliveries).size).toBe(2);
    expect(await streamState(s, s.keys('hold'))).toEqual({ len: 0, pending: 0 });
    expect(await deadEntries(s, 'hold')).toEqual([]);
    await d.stop();
    await srv.close();
    await s.close();
  });
});
