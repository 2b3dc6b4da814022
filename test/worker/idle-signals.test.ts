/**
 * What keeps an idle worker quiet without slowing what it must notice: pause, resume and new lanes reach it on the
 * queue's channel (a blocking read is ended at once), a lost message is caught by the periodic re-check, and the
 * reclaimer of a queue with lanes sweeps only the streams that hold entries, reclaiming from each of them.
 */
import { defineJob, type QueueKeys, type Sluice } from '@sluice/core';
import { connectionName, GROUP } from '@sluice/core/internal';
import type { Worker } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { blockedOnServer, entryTrimmedWhilePending, jobFields } from '../queue-fixtures.js';
import { producer, record, startWorker, streamState } from './harness.js';

/** A logger destination that keeps the messages. */
function messages() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => lines.push(String(JSON.parse(line).msg)) } };
}

/** The CLIENT LIST line of the connection named `name`. */
async function client(s: Sluice, name: string): Promise<{ id: string; blocked: boolean }> {
  const list = String(await s.connection.send(['CLIENT', 'LIST']));
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  if (!line) throw new Error(`no client named ${name}`);
  return { id: /\bid=(\d+)/.exec(line)?.[1] as string, blocked: /\bflags=\S*b/.test(line) };
}

/** Wait until the worker's blocking read of `queue` has reached the server; returns its client id. */
async function blockedReader(s: Sluice, w: Worker, queue: string): Promise<string> {
  const name = connectionName(w.consumer, queue);
  await waitFor(async () => (await client(s, name).catch(() => undefined)) !== undefined, 'the reader to connect');
  const { id } = await client(s, name);
  await blockedOnServer(s.connection, id);
  return id;
}

/**
 * A job written and at once delivered to `consumer`, which then died holding it, in one script: a worker blocked on
 * the stream cannot take it first. Returns the entry id.
 */
async function abandonedNow(s: Sluice, k: QueueKeys, fields: Record<string, string>, consumer: string) {
  const lua = `local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', '1', 'STREAMS', KEYS[1], '>')
return id`;
  const flat = Object.entries(fields).flat();
  return String(await s.connection.send(['EVAL', lua, '1', k.stream, GROUP, consumer, ...flat], k.stream));
}

/** After the worker said the queue is paused: it has no read in flight and took nothing. */
async function expectTakesNothing(s: Sluice, w: Worker, queue: string) {
  expect((await client(s, connectionName(w.consumer, queue))).blocked).toBe(false);
  expect((await streamState(s, s.keys(queue))).pending).toBe(0);
}

describe('an idle worker hears, not polls', () => {
  it('a pause ends the blocking read at once: a job enqueued after it waits until resume', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const log = messages();
    const job = defineJob({ name: 'p', handler: () => {} });
    // a block far longer than the test: only the published pause can end the read
    const w = await startWorker(prefix, { jobs: [job], blockMs: 600_000, logger: { level: 'info', ...log } });
    const ok = record('job:succeeded', w);
    await blockedReader(s, w, 'p');
    await s.pause('p');
    await waitFor(() => log.lines.some((l) => l.includes('"p" is paused')), 'the worker to see the pause');
    await s.enqueue(job, {});
    await expectTakesNothing(s, w, 'p');
    expect(ok).toHaveLength(0);
    await s.resume('p');
    await waitFor(() => ok.length === 1, 'runs after resume');
    await w.stop();
    await s.close();
  });

  it('a lost pause (and resume) message is honoured by the periodic re-check', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const log = messages();
    const job = defineJob({ name: 'q', handler: () => {} });
    // re-check every 4 blocks of 100 ms
    const w = await startWorker(prefix, { jobs: [job], blockMs: 100, logger: { level: 'info', ...log } });
    const ok = record('job:succeeded', w);
    await blockedReader(s, w, 'q');
    // the flag written with no message, as when the message is lost
    await s.connection.send(['SET', s.keys('q').paused, '1'], s.keys('q').paused);
    await waitFor(() => log.lines.some((l) => l.includes('"q" is paused')), 'the re-check to see the pause');
    await s.enqueue(job, {});
    await expectTakesNothing(s, w, 'q');
    await s.connection.send(['DEL', s.keys('q').paused], s.keys('q').paused);
    await waitFor(() => ok.length === 1, 'the re-check to see the resume');
    await w.stop();
    await s.close();
  });

  it('a pause written while the subscription was down is read when it comes back', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const log = messages();
    const job = defineJob({ name: 'r', handler: () => {} });
    const w = await startWorker(prefix, { jobs: [job], blockMs: 600_000, logger: { level: 'info', ...log } });
    await blockedReader(s, w, 'r');
    await s.connection.send(['SET', s.keys('r').paused, '1'], s.keys('r').paused);
    // the cancel watcher's connection drops and reconnects (its messages in between are lost)
    await s.connection.send(['CLIENT', 'KILL', 'ID', (await client(s, `sluice-cancels:${w.consumer}`)).id]);
    await waitFor(() => log.lines.some((l) => l.includes('"r" is paused')), 'the resubscribe to read the flags');
    await s.enqueue(job, {});
    await expectTakesNothing(s, w, 'r');
    await w.stop();
    await s.close();
  });

  it('the worker that finds a new lane tells the others, which read it at once', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'l', handler: () => {} });
    const a = await startWorker(prefix, { jobs: [job], blockMs: 600_000 });
    const b = await startWorker(prefix, { jobs: [job], blockMs: 600_000 });
    const okA = record('job:succeeded', a);
    const okB = record('job:succeeded', b);
    await blockedReader(s, a, 'l');
    await blockedReader(s, b, 'l');
    await s.enqueue(job, {}, { priority: 'high' });
    await waitFor(() => okA.length + okB.length === 1, 'the high job to run');
    // the worker that read the lane's `wake` marker had told the other before it ran the job; with it stopped,
    // only the other can run the next high job, which it reads only if it heard of the lane (its block is long)
    const [first, other, otherOk] = okA.length === 1 ? [a, b, okB] : [b, a, okA];
    await first.stop();
    await s.enqueue(job, {}, { priority: 'high' });
    await waitFor(() => otherOk.length === 1, 'the other worker to run the next high job');
    await other.stop();
    await s.close();
  });
});

describe('the reclaimer of a queue with lanes', () => {
  it("reclaims a dead worker's jobs from each lane that holds one; a lane trimmed empty is reported", async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const c = s.connection;
    const job = defineJob({ name: 'm', handler: () => {} });
    const k = s.keys('m');
    await c.send(['SET', k.lanes, 'high,low,fair'], k.lanes);
    // before the start: an entry trimmed while pending from the fair lane, which is left with no entry
    const t = await entryTrimmedWhilePending(c, k.inLane('fair'), jobFields('T', 'm'), 'trimmed');
    const w = await startWorker(prefix, { jobs: [job], lease: 300 });
    const ok = record('job:succeeded', w);
    const lost = record('job:lost', w);
    // the first sweep sweeps every stream, empty ones too
    await waitFor(() => lost.length === 1, 'the trimmed entry to be reported');
    expect(lost[0]).toEqual({ queue: 'm', entryId: t, reason: 'trimmed' });
    await blockedReader(s, w, 'm');
    // after the start: a dead worker held a job of the low and of the high lane, then one of the default stream
    await abandonedNow(s, k.inLane('low'), jobFields('L', 'm'), 'crashed');
    await abandonedNow(s, k.inLane('high'), jobFields('H', 'm'), 'crashed');
    await waitFor(() => ok.length === 2, 'both lane jobs reclaimed');
    await abandonedNow(s, k, jobFields('D', 'm'), 'crashed');
    await waitFor(() => ok.length === 3, 'the default stream job reclaimed');
    expect(ok.map((e) => e.jobId).sort()).toEqual(['D', 'H', 'L']);
    await w.stop();
    for (const keys of [k, k.inLane('high'), k.inLane('low'), k.inLane('fair')])
      expect(await streamState(s, keys)).toEqual({ len: 0, pending: 0 });
    await s.close();
  });
});
