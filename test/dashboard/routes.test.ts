/**
 * Every route of the dashboard API (packages/dashboard/API.md) over real HTTP (node adapter) on a real Redis:
 * what each read answers, what each action does to the queue (read back through core), and the page itself.
 */
import { defineJob, UnrecoverableError } from '@sluice/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { waitFor } from '../helpers.js';
import { startWorker } from '../worker/harness.js';
import { ok, startDashboard, type TestDashboard } from './harness.js';

const mail = defineJob({ name: 'mail', schema: z.object({ to: z.string() }), handler: async () => {} });
const doomed = defineJob({
  name: 'doomed',
  handler: async () => {
    throw new UnrecoverableError('no such user');
  },
});

let d: TestDashboard;
beforeEach(async () => {
  d = await startDashboard({ jobs: [mail, doomed] });
});
afterEach(async () => {
  await d.close();
});

/** Two dead jobs of queue `doomed`, killed by a real worker. */
async function twoDead(): Promise<string[]> {
  const ids = [(await d.s.enqueue(doomed, {})).id, (await d.s.enqueue(doomed, {})).id];
  const w = await startWorker(d.prefix, { jobs: [doomed] });
  await waitFor(async () => (await d.s.stats('doomed'))[0]?.dead === 2, 'two dead jobs');
  await w.stop();
  return ids;
}

describe('read routes', () => {
  it('session, overview, history, job lists and one job', async () => {
    const a = await d.s.enqueue(mail, { to: 'a@x' });
    await d.s.enqueue(mail, { to: 'b@x' });
    await d.s.enqueue(mail, { to: 'later@x' }, { delay: 60_000 });
    await d.s.pause('mail');

    expect(await ok(d.get('/api/session'))).toEqual({
      version: '0.1.0',
      readOnly: false,
      role: 'admin',
      queues: ['mail'],
    });
    const o = await ok<{ at: number; queues: unknown[] }>(d.get('/api/overview'));
    expect(o.at).toEqual(expect.any(Number));
    expect(o.queues).toEqual([
      {
        queue: 'mail',
        ready: 2,
        running: 0,
        delayed: 1,
        dead: 0,
        completed: null,
        oldestReadyAgeMs: expect.any(Number),
        paused: true,
        workers: 0,
      },
    ]);
    const h = await ok<{ stepMs: number; points: unknown[] }>(d.get('/api/queues/mail/history?range=day'));
    expect(h).toMatchObject({ queue: 'mail', stepMs: 900_000 });
    expect(h.points).toHaveLength(96);
    expect((await ok<{ points: unknown[] }>(d.get('/api/queues/mail/history'))).points).toHaveLength(60);

    const page = await ok<{ jobs: { id: string; data: string }[]; cursor: string | null }>(
      d.get('/api/queues/mail/jobs?state=ready&limit=1'),
    );
    expect(page.jobs.map((j) => j.id)).toEqual([a.id]);
    expect(page.cursor).not.toBeNull();
    const next = await ok<{ jobs: { data: string }[] }>(
      d.get(`/api/queues/mail/jobs?state=ready&limit=1&cursor=${encodeURIComponent(page.cursor ?? '')}`),
    );
    expect(next.jobs.map((j) => JSON.parse(j.data))).toEqual([{ to: 'b@x' }]);
    const newest = await ok<{ jobs: { data: string }[] }>(d.get('/api/queues/mail/jobs?state=ready&order=newest'));
    expect(newest.jobs.map((j) => JSON.parse(j.data).to)).toEqual(['b@x', 'a@x']);
    const found = await ok<{ jobs: { data: string }[] }>(d.get('/api/queues/mail/jobs?state=ready&search=b%40x'));
    expect(found.jobs.map((j) => JSON.parse(j.data).to)).toEqual(['b@x']);
    const delayed = await ok<{ jobs: { state: string; dueAt: number }[] }>(
      d.get('/api/queues/mail/jobs?state=delayed'),
    );
    expect(delayed.jobs).toEqual([expect.objectContaining({ state: 'delayed', dueAt: expect.any(Number) })]);

    expect(await ok(d.get(`/api/queues/mail/jobs/${a.id}`))).toMatchObject({ id: a.id, state: 'ready', name: 'mail' });
    expect(await ok(d.get('/api/queues/mail/jobs/nope'), 404)).toEqual({ error: expect.stringContaining('no job') });
    expect(await ok(d.get('/api/queues/mail/jobs?state=bogus'), 400)).toEqual({
      error: expect.stringContaining('state must be'),
    });
    expect(await ok(d.get('/api/queues/mail/jobs?state=ready&limit=0'), 400)).toEqual({
      error: expect.stringContaining('limit'),
    });
    expect(await ok(d.get('/api/queues/bad%20name/jobs'), 400)).toEqual({
      error: expect.stringContaining('queue must be'),
    });
    expect(await ok(d.get('/api/nothing'), 404)).toEqual({ error: expect.any(String) });
  });

  it("workers, schedules (run now) and the catalogue come from core's registry; enqueue checks its schema", async () => {
    expect(await ok(d.get('/api/queues/mail/jobs?state=completed'), 200)).toEqual({ jobs: [], cursor: null });
    expect(await ok(d.get('/api/queues/mail/jobs?state=cancelled'), 400)).toEqual({
      error: 'state=cancelled cannot be listed (look a cancelled job up by its id)',
    });
    const tick = defineJob({ name: 'tick', schedule: { cron: '0 0 1 1 *' }, handler: async () => {} });
    // paused, so the jobs enqueued below stay ready to be seen (the worker serves both queues)
    await d.s.pause('tick');
    await d.s.pause('mail');
    const w = await startWorker(d.prefix, { jobs: [mail, tick] });
    try {
      await registryRoutes(w.consumer);
    } finally {
      await w.stop();
    }
  });
});

async function registryRoutes(consumer: string): Promise<void> {
  type Ws = { workers: { id: string; kind: string; pid: number; queues: string[]; lastSeenAt: number }[] };
  await waitFor(async () => (await ok<Ws>(d.get('/api/workers'))).workers.length === 1, 'the worker to be listed');
  const [listed] = (await ok<Ws>(d.get('/api/workers'))).workers;
  expect(listed).toMatchObject({ id: consumer, kind: 'worker', pid: process.pid, lastSeenAt: expect.any(Number) });
  expect(listed?.queues).toEqual(expect.arrayContaining(['mail', 'tick']));
  const o = await ok<{ queues: { queue: string; workers: number }[] }>(d.get('/api/overview'));
  expect(o.queues.find((q) => q.queue === 'mail')?.workers).toBe(1);
  const sch = await ok<{ schedules: unknown[] }>(d.get('/api/schedules'));
  expect(sch.schedules).toEqual([
    expect.objectContaining({
      queue: 'tick',
      name: 'tick',
      pattern: '0 0 1 1 *',
      tz: 'UTC',
      nextRunAt: expect.any(Number),
    }),
  ]);
  const run = await ok<{ id: string }>(d.post('/api/queues/tick/schedules/tick/run', {}));
  expect(await d.s.getJob('tick', run.id)).toMatchObject({ name: 'tick', state: 'ready' });
  expect(await ok(d.post('/api/queues/tick/schedules/nope/run', {}), 404)).toEqual({ error: expect.any(String) });
  const c = await ok<{ jobs: { name: string; queue: string; schema: unknown }[] }>(d.get('/api/catalogue'));
  expect(c.jobs).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'mail', queue: 'mail', schema: expect.objectContaining({ type: 'object' }) }),
      expect.objectContaining({ name: 'doomed', queue: 'doomed', schema: null }),
    ]),
  );
  // a dashboard without `jobs` enqueues from the published catalogue, validated against its JSON Schema
  const bare = await startDashboard({ prefix: d.prefix });
  try {
    const bad = await ok<{ error: string }>(
      bare.post('/api/queues/mail/enqueue', { name: 'mail', payload: { to: 1 } }),
      400,
    );
    expect(bad.error).toMatch(/\/to/);
    const good = await ok<{ id: string }>(
      bare.post('/api/queues/mail/enqueue', { name: 'mail', payload: { to: 'q@x' } }),
    );
    expect(await d.s.getJob('mail', good.id)).toMatchObject({ data: '{"to":"q@x"}' });
    expect(await ok(bare.post('/api/queues/mail/enqueue', { name: 'nope', payload: {} }), 400)).toEqual({
      error: expect.stringContaining('catalogue'),
    });
  } finally {
    await bare.close();
  }
}

describe('page', () => {
  it('serves the page with its base href and the strict CSP, any client route, and no unknown asset', async () => {
    for (const p of ['/', '/queues/mail']) {
      const r = await d.get(p);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
      );
      expect(await r.text()).toContain('<base href="/dash/">');
    }
    const bare = await d.get('', { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([308, '/dash/']);
    expect((await d.get('/assets/missing.js')).status).toBe(404);
    expect((await d.get('/assets/..%2Fpackage.json')).status).toBe(404);
    expect((await fetch(`${d.origin}/elsewhere`)).status).toBe(404);
  });
});

describe('action routes', () => {
  it('pause, resume and empty (with confirm) a queue', async () => {
    await d.s.enqueue(mail, { to: 'a@x' });
    await d.s.enqueue(mail, { to: 'b@x' }, { delay: 60_000 });
    expect(await ok(d.post('/api/queues/mail/pause', {}))).toEqual({ ok: true });
    expect((await d.s.stats('mail'))[0]?.paused).toBe(true);
    expect(await ok(d.post('/api/queues/mail/resume', {}))).toEqual({ ok: true });
    expect((await d.s.stats('mail'))[0]?.paused).toBe(false);
    expect(await ok(d.post('/api/queues/mail/empty', {}), 400)).toEqual({ error: expect.stringContaining('confirm') });
    expect(await ok(d.post('/api/queues/mail/empty', { confirm: 'mail' }))).toEqual({ ok: true, ready: 1, delayed: 1 });
    expect((await d.s.stats('mail'))[0]).toMatchObject({ ready: 0, delayed: 0 });
  });

  it('promote, cancel and delete jobs, with 404 and 409 where they do not apply', async () => {
    const later = await d.s.enqueue(mail, { to: 'a@x' }, { delay: 60_000 });
    const now = await d.s.enqueue(mail, { to: 'b@x' });
    expect(await ok(d.post(`/api/queues/mail/jobs/${now.id}/promote`, {}), 409)).toEqual({ error: expect.any(String) });
    const p = await ok<{ outcome: { entryId: string } }>(d.post(`/api/queues/mail/jobs/${later.id}/promote`, {}));
    expect(p.outcome.entryId).toEqual(expect.any(String));
    expect((await d.s.getJob('mail', later.id))?.state).toBe('ready');
    expect(await ok(d.post(`/api/queues/mail/jobs/${later.id}/cancel`, {}), 400)).toEqual({
      error: expect.stringContaining('confirm'),
    });
    expect(await ok(d.post(`/api/queues/mail/jobs/${later.id}/cancel`, { confirm: later.id }))).toEqual({
      ok: true,
      outcome: { done: 'removed', from: 'ready' },
    });
    expect((await d.s.getJob('mail', later.id))?.state).toBe('cancelled');
    expect(await ok(d.post(`/api/queues/mail/jobs/${now.id}/delete`, { confirm: now.id }))).toMatchObject({ ok: true });
    expect(await d.s.getJob('mail', now.id)).toBeNull();
    expect(await ok(d.post('/api/queues/mail/jobs/nope/delete', { confirm: 'nope' }), 404)).toEqual({
      error: expect.any(String),
    });
    expect(await ok(d.post('/api/queues/mail/jobs/nope/retry', {}), 404)).toEqual({ error: expect.any(String) });
    expect(await ok(d.post('/api/queues/mail/jobs/x/frobnicate', {}), 404)).toEqual({ error: expect.any(String) });
  });

  it('retries one dead job, redrives a selection and all, and purges (with confirm)', async () => {
    const [a, b] = await twoDead();
    expect(await ok(d.post(`/api/queues/doomed/jobs/${a}/retry`, {}))).toEqual({ ok: true, outcome: 'moved' });
    expect((await d.s.getJob('doomed', a as string))?.state).toBe('ready');
    expect(await ok(d.post(`/api/queues/doomed/jobs/${a}/retry`, {}), 409)).toEqual({ error: expect.any(String) });
    expect(await ok(d.post('/api/queues/doomed/dead/redrive', { ids: [b, 'nope'] }))).toEqual({ count: 1 });
    expect((await d.s.stats('doomed'))[0]).toMatchObject({ ready: 2, dead: 0 });
    await d.s.emptyQueue('doomed');

    const [c, e] = await twoDead();
    expect(await ok(d.post('/api/queues/doomed/dead/redrive', {}), 400)).toEqual({
      error: expect.stringContaining('ids'),
    });
    expect(await ok(d.post('/api/queues/doomed/dead/purge', { ids: [c] }), 400)).toEqual({
      error: expect.stringContaining('confirm'),
    });
    expect(await ok(d.post('/api/queues/doomed/dead/purge', { ids: [c], confirm: 'doomed' }))).toEqual({ count: 1 });
    expect(await d.s.getJob('doomed', c as string)).toBeNull();
    expect(await ok(d.post('/api/queues/doomed/dead/redrive', { all: true }))).toEqual({ count: 1 });
    expect((await d.s.getJob('doomed', e as string))?.state).toBe('ready');
    await d.s.emptyQueue('doomed');
    await twoDead();
    expect(await ok(d.post('/api/queues/doomed/dead/purge', { all: true, confirm: 'doomed' }))).toEqual({ count: 2 });
    expect((await d.s.stats('doomed'))[0]?.dead).toBe(0);
  });

  it('enqueues a job of the catalogue, validated by its schema, and refuses an unknown one', async () => {
    const r = await ok<{ id: string }>(d.post('/api/queues/mail/enqueue', { name: 'mail', payload: { to: 'x@y' } }));
    expect(await d.s.getJob('mail', r.id)).toMatchObject({ name: 'mail', data: '{"to":"x@y"}' });
    const bad = await ok<{ error: string }>(
      d.post('/api/queues/mail/enqueue', { name: 'mail', payload: { to: 1 } }),
      400,
    );
    expect(bad.error).toMatch(/to/);
    expect(await ok(d.post('/api/queues/mail/enqueue', { name: 'nope', payload: {} }), 400)).toEqual({
      error: expect.stringContaining('catalogue'),
    });
    const delayed = await ok<{ id: string }>(
      d.post('/api/queues/mail/enqueue', { name: 'mail', payload: { to: 'z@y' }, delay: 60_000 }),
    );
    expect((await d.s.getJob('mail', delayed.id))?.state).toBe('delayed');
  });
});
