/** `sluice job show|ls|cancel|delete|promote|retry` and `sluice queue empty|delete` on a real Redis. */
import {
  jobCancelCommand,
  jobDeleteCommand,
  jobListCommand,
  jobPromoteCommand,
  jobRetryCommand,
  jobShowCommand,
  queueDeleteCommand,
  queueEmptyCommand,
} from '@sluice/cli';
import type { Sluice } from '@sluice/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveredTo, groupCreated } from '../queue-fixtures.js';
import { producer } from '../worker/harness.js';
import { conn, run, seedDead, spawnSluice } from './cli-helpers.js';

let c: ReturnType<typeof conn>;
let sluice: Sluice;
beforeEach(async () => {
  c = conn();
  sluice = await producer(c.prefix);
});
afterEach(async () => {
  await sluice.close();
});

const one = (id: string, json = false) => ({ ...c, queue: 'emails', id, json });

describe('sluice job', () => {
  it('show: the id enqueue printed, as text and JSON; exit 1 naming the job when none; exit 2 for an unknown queue', async () => {
    const bin = await spawnSluice([
      'enqueue',
      'send-email',
      '{"to":"a@b.co"}',
      '--queue',
      'emails',
      '--redis',
      c.redis,
      '--prefix',
      c.prefix,
    ]);
    const id = bin.stdout.trim();
    const r = await run((io) => jobShowCommand(one(id), io));
    expect(r.stdout.slice(0, 3)).toEqual([`id          ${id}`, 'state       ready', 'name        send-email']);
    expect(r.stdout).toContain('    "to": "a@b.co"');
    const j = JSON.parse((await run((io) => jobShowCommand(one(id, true), io))).stdout.join(''));
    expect(j).toMatchObject({ id, state: 'ready', attempt: 1 });
    const none = await run((io) => jobShowCommand(one('nope'), io));
    expect([none.code, none.stderr[0]]).toEqual([1, expect.stringMatching(/^sluice: no job nope in queue emails/)]);
    const other = await run((io) => jobShowCommand({ ...one(id), queue: 'emial' }, io));
    expect([other.code, other.stderr[0]]).toEqual([
      2,
      expect.stringMatching(/no queue named "emial".*known queues: emails/),
    ]);
    const bad = await run((io) => jobShowCommand(one('a b'), io));
    expect([bad.code, bad.stderr[0]]).toEqual([2, expect.stringMatching(/id argument expects a job id/)]);
  });

  it('show and ls escape a hostile name and payload written straight to Redis', async () => {
    await sluice.enqueue('send-email', {}, { queue: 'emails' });
    const k = sluice.keys('emails');
    const fields = [
      'id',
      'evil',
      'name',
      'x\u001b[2Jy',
      'data',
      '"\u001b]0;pwned\u0007"',
      'attempt',
      '1',
      'enqueuedAt',
      '1',
    ];
    const entry = String(await sluice.connection.send(['XADD', k.stream, '*', ...fields], k.stream));
    await sluice.connection.send(['HSET', k.index, 'evil', `s${entry}`], k.index);
    const shown = await run((io) => jobShowCommand(one('evil'), io));
    const listed = await run((io) => jobListCommand({ ...c, queue: 'emails' }, io));
    for (const out of [shown.stdout, listed.stdout]) {
      expect([...out.join('\n')].filter((ch) => ch !== '\n' && ch.charCodeAt(0) < 32)).toEqual([]);
      expect(out.join('\n')).toContain('x\\u001b[2Jy');
    }
  });

  it('ls: pages by state with a cursor, --newest, --name, --search; --json; bad --state names the values', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await sluice.enqueue(i === 1 ? 'report' : 'send-email', { n: `v${i}` }, { queue: 'emails' })).id);
    const p1 = await run((io) => jobListCommand({ ...c, queue: 'emails', limit: '2' }, io));
    expect(p1.stdout[0]).toMatch(/^JOB ID\s+NAME\s+ATTEMPT\s+AGE\s+WHERE\s+PAYLOAD$/);
    expect(p1.stdout.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(ids.slice(0, 2));
    const cursor = /--cursor (\S+)/.exec(p1.stderr.join('\n'))?.[1] as string;
    const p2 = JSON.parse(
      (await run((io) => jobListCommand({ ...c, queue: 'emails', cursor, json: true }, io))).stdout.join(''),
    );
    expect(p2).toEqual({ jobs: [expect.objectContaining({ id: ids[2] })], cursor: null });
    const newest = await run((io) => jobListCommand({ ...c, queue: 'emails', newest: true, limit: 1 }, io));
    expect(newest.stdout[1]?.split(/\s+/)[0]).toBe(ids[2]);
    const byName = await run((io) => jobListCommand({ ...c, queue: 'emails', name: 'report' }, io));
    expect(byName.stdout.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([ids[1]]);
    const found = await run((io) => jobListCommand({ ...c, queue: 'emails', search: 'v2' }, io));
    expect(found.stdout.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([ids[2]]);
    const bad = await run((io) => jobListCommand({ ...c, queue: 'emails', state: 'done' }, io));
    expect([bad.code, bad.stderr[0]]).toEqual([
      2,
      'sluice: --state expects one of ready, running, delayed, dead; got "done"',
    ]);
    const badCursor = await run((io) => jobListCommand({ ...c, queue: 'emails', cursor: 'x' }, io));
    expect([badCursor.code, badCursor.stderr[0]]).toEqual([2, expect.stringMatching(/--cursor expects/)]);
    const dead = await run((io) => jobListCommand({ ...c, queue: 'emails', state: 'dead' }, io));
    expect([dead.code, dead.stderr]).toEqual([0, ['no dead jobs in queue emails']]);
  });

  it('cancel: a ready job never runs; a delayed one too; a running one gets a cancel request', async () => {
    const a = await sluice.enqueue('send-email', {}, { queue: 'emails' });
    const b = await sluice.enqueue('send-email', {}, { queue: 'emails', delay: 60_000 });
    expect((await run((io) => jobCancelCommand(one(a.id), io))).stdout).toEqual([
      `cancelled ready job ${a.id} in queue emails`,
    ]);
    const jb = JSON.parse((await run((io) => jobCancelCommand(one(b.id, true), io))).stdout.join(''));
    expect(jb).toEqual({ queue: 'emails', id: b.id, done: 'removed', from: 'delayed' });
    expect((await run((io) => jobShowCommand(one(a.id), io))).stdout[1]).toBe('state          cancelled');
    const r = await sluice.enqueue('send-email', {}, { queue: 'emails' });
    await groupCreated(sluice.connection, sluice.keys('emails'));
    await deliveredTo(sluice.connection, sluice.keys('emails'), 'w:1:a', 5);
    expect((await run((io) => jobCancelCommand(one(r.id), io))).stdout).toEqual([
      `recorded a cancel request for running job ${r.id} in queue emails (held by w:1:a); workers of this version do not act on it yet: the run ends as usual`,
    ]);
    const del = await run((io) => jobDeleteCommand(one(r.id), io));
    expect([del.code, del.stderr[0]]).toEqual([
      1,
      expect.stringMatching(/is running: cancel it first with sluice job cancel/),
    ]);
  });

  it('delete, promote and retry by job id; exit 1 with the fix when the job is in another state', async () => {
    await seedDead(c, 'emails', 1); // first: a delayed job's wake marker would be read by the seeding consumer
    const deadId = (await sluice.listJobs('emails', { state: 'dead' })).jobs[0]?.id as string;
    const d = await sluice.enqueue('send-email', {}, { queue: 'emails', delay: 60_000 });
    const notDead = await run((io) => jobRetryCommand(one(d.id), io));
    expect([notDead.code, notDead.stderr[0]]).toEqual([1, `sluice: job ${d.id} is not dead (see sluice job show)`]);
    expect((await run((io) => jobPromoteCommand(one(d.id), io))).stdout).toEqual([
      `promoted job ${d.id}: ready in queue emails`,
    ]);
    const again = await run((io) => jobPromoteCommand(one(d.id), io));
    expect(again.code).toBe(1);
    expect((await run((io) => jobDeleteCommand(one(d.id), io))).stdout).toEqual([
      `deleted ready job ${d.id} from queue emails`,
    ]);
    const cancel = await run((io) => jobCancelCommand(one(deadId), io));
    expect([cancel.code, cancel.stderr[0]]).toEqual([
      1,
      expect.stringMatching(/is dead, not waiting: delete it with sluice job delete/),
    ]);
    expect((await run((io) => jobRetryCommand(one(deadId), io))).stdout).toEqual([
      `retried job ${deadId}: ready in queue emails (attempt 1)`,
    ]);
    expect((await sluice.getJob('emails', deadId))?.state).toBe('ready');
  });
});

describe('sluice queue empty|delete', () => {
  it('empty needs --yes, then removes ready and delayed jobs', async () => {
    await sluice.enqueue('send-email', {}, { queue: 'emails' });
    await sluice.enqueue('send-email', {}, { queue: 'emails', delay: 60_000 });
    const no = await run((io) => queueEmptyCommand({ ...c, queue: 'emails' }, io));
    expect([no.code, no.stderr[0]]).toEqual([
      2,
      'sluice: queue empty deletes every waiting job of queue emails; add --yes to confirm',
    ]);
    const r = await run((io) => queueEmptyCommand({ ...c, queue: 'emails', yes: true }, io));
    expect(r.stdout).toEqual(['emptied queue emails: 1 ready job, 1 delayed job removed']);
  });

  it('delete needs --yes, is refused while a worker is live unless --force, then leaves no key', async () => {
    await sluice.enqueue('send-email', {}, { queue: 'emails' });
    await groupCreated(sluice.connection, sluice.keys('emails'));
    await deliveredTo(sluice.connection, sluice.keys('emails'), 'w:1:a', 1);
    const no = await run((io) => queueDeleteCommand({ ...c, queue: 'emails' }, io));
    expect(no.code).toBe(2);
    // a connection named as a worker's reading connection of the queue is a live worker (a consumer alone is not)
    await sluice.connection.send(['CLIENT', 'SETNAME', 'sluice:w:1:a:block:emails']);
    const live = await run((io) => queueDeleteCommand({ ...c, queue: 'emails', yes: true }, io));
    await sluice.connection.send(['CLIENT', 'SETNAME', '']);
    expect([live.code, live.stderr[0]]).toEqual([
      1,
      expect.stringMatching(/1 live worker\(s\) \(w:1:a\); stop them or add --force$/),
    ]);
    const r = JSON.parse(
      (
        await run((io) => queueDeleteCommand({ ...c, queue: 'emails', yes: true, force: true, json: true }, io))
      ).stdout.join(''),
    );
    expect(r.queue).toBe('emails');
    expect(r.deletedKeys).toBe(1); // the stream (an immediate job has no index entry)
    expect(await sluice.connection.send(['KEYS', `${c.prefix}:*`])).toEqual([]);
  });

  it('the binary has the verbs with help examples', async () => {
    const h = await spawnSluice(['job', 'ls', '--help']);
    expect(h.stdout).toMatch(/Examples:\n\s+\$ sluice job ls emails/);
    const q = await spawnSluice(['queue', 'delete', '--help']);
    expect(q.stdout).toMatch(/--force/);
  });
});
