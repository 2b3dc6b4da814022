/**
 * A job added straight to the stream is one field pair, `<U+001F><job name> <payload>` (docs/decisions.md "Fresh
 * entries carry one field pair"): it runs, retries, dead-letters, is found, listed, shown and redriven with its
 * name; entries of the older forms in the same stream still run.
 */
import { jobListCommand, jobShowCommand } from '@sluice/cli';
import { defineJob, type Sluice } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../cli/cli-helpers.js';
import { redisUrl, uniquePrefix, waitFor } from '../helpers.js';
import { groupCreated, rawEntry } from '../queue-fixtures.js';
import { deadEntries, producer, record, startWorker, streamState } from './harness.js';

const stop: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of stop.splice(0).reverse()) await f();
});

async function open(): Promise<{ prefix: string; s: Sluice }> {
  const prefix = uniquePrefix();
  const s = await producer(prefix);
  stop.push(() => s.close());
  return { prefix, s };
}

/** The raw field lists of a stream's entries (XRANGE, no decoding). */
async function rawFields(s: Sluice, stream: string): Promise<string[][]> {
  const reply = (await s.connection.send(['XRANGE', stream, '-', '+'], stream)) as [string, string[]][];
  return reply.map((e) => e[1].map(String));
}

describe('fresh entries: one field pair', () => {
  it('runs, retries, dead-letters, is found by id, listed, shown by the CLI and redriven, with its job name', async () => {
    const { prefix, s } = await open();
    const send = defineJob({
      name: 'mail.send',
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 20 } },
      handler: (p: { fail: number }, ctx) => {
        if (ctx.attempt <= p.fail) throw new Error(`attempt ${ctx.attempt} fails`);
      },
    });
    const ok = await s.enqueue(send, { fail: 1 });
    const bad = await s.enqueue(send, { fail: 9 });
    const k = s.keys('mail.send');
    expect(await rawFields(s, k.stream)).toEqual([
      ['\u001fmail.send', '{"fail":1}'],
      ['\u001fmail.send', '{"fail":9}'],
    ]);
    expect(await s.getJob('mail.send', ok.id)).toMatchObject({
      id: ok.id,
      state: 'ready',
      name: 'mail.send',
      data: '{"fail":1}',
      attempt: 1,
    });
    const page = await s.listJobs('mail.send', { state: 'ready' });
    expect(page.jobs.map((j) => [j.id, j.name])).toEqual([
      [ok.id, 'mail.send'],
      [bad.id, 'mail.send'],
    ]);
    const cli = { redis: redisUrl(), prefix, queue: 'mail.send' };
    const shown = await run((io) => jobShowCommand({ ...cli, id: ok.id, json: false }, io));
    expect(shown.stdout.slice(0, 3)).toEqual([`id          ${ok.id}`, 'state       ready', 'name        mail.send']);
    const listed = await run((io) => jobListCommand({ ...cli, state: 'ready', json: true }, io));
    expect(JSON.parse(listed.stdout.join('')).jobs.map((j: { name: string }) => j.name)).toEqual([
      'mail.send',
      'mail.send',
    ]);

    const w = await startWorker(prefix, { jobs: [send] });
    stop.push(() => w.stop());
    const done = record('job:succeeded', w);
    const retried = record('job:retrying', w);
    const died = record('job:dead', w);
    await waitFor(() => done.length === 1 && died.length === 1, 'one job to succeed, one to die');
    expect(done[0]).toMatchObject({ jobId: ok.id, name: 'mail.send', attempt: 2 });
    expect(retried.map((r) => [r.jobId, r.name, r.attempt])).toEqual(
      expect.arrayContaining([
        [ok.id, 'mail.send', 1],
        [bad.id, 'mail.send', 1],
      ]),
    );
    expect(died[0]).toMatchObject({ jobId: bad.id, name: 'mail.send', attempt: 2, reason: 'failed' });
    const [dead] = await s.dead.list('mail.send');
    expect(dead?.job).toMatchObject({ id: bad.id, name: 'mail.send', data: '{"fail":9}' });
    expect(await s.getJob('mail.send', bad.id)).toMatchObject({ state: 'dead', name: 'mail.send' });

    expect(await s.dead.redrive('mail.send', { all: true })).toEqual({ moved: 1, notMoved: [] });
    await waitFor(() => died.length === 2, 'the redriven job to run and die again');
    expect(died[1]).toMatchObject({ jobId: bad.id, name: 'mail.send', reason: 'failed' });
    expect((await deadEntries(s, 'mail.send')).map((f) => [f.id, f.name])).toEqual([[bad.id, 'mail.send']]);
    expect(await streamState(s, k)).toEqual({ len: 0, pending: 0 });
  });

  it('a kept or a cancelled fresh job reads back with its name and payload', async () => {
    const { prefix, s } = await open();
    const kept = defineJob({ name: 'kept', keep: { completed: {} }, handler: (p: { n: number }) => p.n * 2 });
    const idle = defineJob({ name: 'idle', handler: () => {} });
    const a = await s.enqueue(kept, { n: 21 });
    const b = await s.enqueue(idle, { n: 1 });
    expect(await s.cancelJob('idle', b.id)).toEqual({ done: 'removed', from: 'ready' });
    expect(await s.getJob('idle', b.id)).toMatchObject({ state: 'cancelled', name: 'idle', data: '{"n":1}' });
    const w = await startWorker(prefix, { jobs: [kept] });
    stop.push(() => w.stop());
    await waitFor(async () => (await s.getJob('kept', a.id))?.state === 'completed', 'the kept job to complete');
    expect(await s.getJob('kept', a.id)).toMatchObject({ name: 'kept', data: '{"n":21}', result: 42 });
  });

  it('on a shared queue each job keeps its own name', async () => {
    const { prefix, s } = await open();
    const seen: string[] = [];
    const alpha = defineJob({
      name: 'alpha',
      queue: 'shared',
      handler: (p: { v: string }) => void seen.push(`a:${p.v}`),
    });
    const beta = defineJob({
      name: 'beta',
      queue: 'shared',
      handler: (p: { v: string }) => void seen.push(`b:${p.v}`),
    });
    await s.enqueue(alpha, { v: '1' });
    await s.enqueue(beta, { v: '2' });
    await s.enqueueMany(beta, [{ v: '3' }]);
    const fields = await rawFields(s, s.keys('shared').stream);
    expect(fields.map((f) => f.slice(0, 2))).toEqual([
      ['\u001falpha', '{"v":"1"}'],
      ['\u001fbeta', '{"v":"2"}'],
      ['\u001fbeta', '{"v":"3"}'],
    ]);
    const w = await startWorker(prefix, { jobs: [alpha, beta] });
    stop.push(() => w.stop());
    const done = record('job:succeeded', w);
    await waitFor(() => done.length === 3, 'the three jobs to run');
    expect(seen.sort()).toEqual(['a:1', 'b:2', 'b:3']);
    expect(done.map((d) => d.name).sort()).toEqual(['alpha', 'beta', 'beta']);
  });

  it('entries of the older forms (four or five fields, two fields, two plus enqueuedAt) and a wake marker still run', async () => {
    const { prefix, s } = await open();
    const names: string[] = [];
    const legacy = defineJob({ name: 'legacy', handler: (p: { v: string }) => void names.push(p.v) });
    const k = s.keys('legacy');
    await groupCreated(s.connection, k);
    const full = { id: 'old-1', name: 'legacy', data: '{"v":"full"}', attempt: '1', enqueuedAt: '1700000000000' };
    await rawEntry(s.connection, k, full);
    const two = await rawEntry(s.connection, k, { name: 'legacy', data: '{"v":"two"}' });
    await rawEntry(s.connection, k, { name: 'legacy', data: '{"v":"timed"}', enqueuedAt: '1700000000001' });
    await rawEntry(s.connection, k, { wake: '0' });
    const one = await rawEntry(s.connection, k, { '\u001flegacy': '{"v":"one"}' });
    expect(await s.getJob('legacy', two)).toMatchObject({ state: 'ready', name: 'legacy', attempt: 1 });
    expect(await s.getJob('legacy', one)).toMatchObject({ state: 'ready', name: 'legacy', data: '{"v":"one"}' });
    const w = await startWorker(prefix, { jobs: [legacy] });
    stop.push(() => w.stop());
    const done = record('job:succeeded', w);
    await waitFor(() => done.length === 4, 'the four jobs to run');
    expect(names.sort()).toEqual(['full', 'one', 'timed', 'two']);
    expect(done.map((d) => [d.jobId, d.name, d.attempt])).toEqual(
      expect.arrayContaining([
        ['old-1', 'legacy', 1],
        [two, 'legacy', 1],
        [one, 'legacy', 1],
      ]),
    );
    await waitFor(async () => (await streamState(s, k)).pending === 0, 'every entry acked');
    expect(await deadEntries(s, 'legacy')).toEqual([]);
  });

  it('a dead entry holding the one pair as an other field (a worker of an earlier release) is redriven with its name', async () => {
    const { prefix, s } = await open();
    const ran: string[] = [];
    const mail = defineJob({ name: 'mail', handler: (p: { to: string }) => void ran.push(p.to) });
    const k = s.keys('mail');
    await groupCreated(s.connection, k);
    const raw = ['id', 'j-1', '\u001fmail', '{"to":"a@b"}', 'reason', 'invalid', 'error', 'malformed entry'];
    const deadId = String(await s.connection.send(['XADD', k.dead, '*', ...raw], k.dead));
    expect((await s.dead.get('mail', deadId))?.job).toMatchObject({ id: 'j-1', name: 'mail', data: '{"to":"a@b"}' });
    // a traced job's pair carries its traceparent after the name (job.ts envelopeFields): redrive splits it off
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const tracedRaw = ['id', 'j-2', `\u001fmail\u001e${tp}`, '{"to":"c@d"}', 'reason', 'invalid', 'error', 'x'];
    const tracedId = String(await s.connection.send(['XADD', k.dead, '*', ...tracedRaw], k.dead));
    expect(await s.dead.redrive('mail', { ids: [deadId, tracedId] })).toEqual({ moved: 2, notMoved: [] });
    const entries = (await s.connection.send(['XRANGE', k.stream, '-', '+'], k.stream)) as [string, string[]][];
    const redriven = entries.map(([, f]) => Object.fromEntries(f.map((v, i) => [i % 2 ? '' : v, f[i + 1]])));
    expect(redriven.find((f) => f.id === 'j-2')).toMatchObject({ name: 'mail', trace: tp });
    const w = await startWorker(prefix, { jobs: [mail] });
    stop.push(() => w.stop());
    const done = record('job:succeeded', w);
    await waitFor(() => done.length === 2, 'the redriven jobs to run');
    expect(done.map((d) => [d.jobId, d.name, d.attempt]).sort()).toEqual([
      ['j-1', 'mail', 1],
      ['j-2', 'mail', 1],
    ]);
    expect(ran.sort()).toEqual(['a@b', 'c@d']);
  });
});
