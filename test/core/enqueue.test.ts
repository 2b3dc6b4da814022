/** enqueue / enqueueMany / stats through createSluice against a real Redis. */
import { createSluice, defineJob, JobValidationError, type Sluice, SluiceArgumentError } from '@sluice/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redisUrl, track, uniquePrefix } from '../helpers.js';
import { deliveredTo } from '../queue-fixtures.js';

const sendEmail = defineJob({
  name: 'send-email',
  queue: 'emails',
  schema: z.object({ to: z.string().email(), tags: z.array(z.string()).optional() }),
  handler: async () => {},
});

let sluice: Sluice;
beforeEach(async () => {
  sluice = await createSluice({ url: redisUrl(), prefix: uniquePrefix() });
  track({
    label: 'sluice',
    isOpen: () => sluice.connection.client.isOpen,
    forceClose: () => sluice.connection.destroy(),
  });
});
afterEach(async () => {
  await sluice.close();
});

const xlen = async (key: string) => Number(await sluice.connection.send(['XLEN', key]));

describe('enqueue', () => {
  it('writes one stream entry with the envelope fields and registers the queue', async () => {
    const r = await sluice.enqueue(sendEmail, { to: 'a@b.co' }, { trace: '00-abc-def-01' });
    expect(r.deduplicated).toBe(false);
    // the job's id is its stream entry id; the entry has no `id` field and the job no index entry
    expect(r.id).toMatch(/^\d+-0$/);
    const entries = await sluice.streams.xrange(sluice.keys('emails').stream);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.id).toBe(r.id);
    expect(entries[0]?.fields.id).toBeUndefined();
    expect(await sluice.connection.send(['EXISTS', sluice.keys('emails').index], sluice.keys('emails').index)).toBe(0);
    // a fresh entry carries no attempt (1) and no enqueuedAt (its entry id's ms): docs/decisions.md
    expect(entries[0]?.fields).toEqual({ name: 'send-email', data: '{"to":"a@b.co"}', trace: '00-abc-def-01' });
    const job = await sluice.getJob('emails', r.id);
    expect(job).toMatchObject({ attempt: 1, enqueuedAt: Number(r.id.split('-')[0]) });
    expect(await sluice.queues()).toEqual(['emails']);
  });

  it('rejects a payload that fails the schema, naming each bad field, and writes nothing', async () => {
    const err = await sluice.enqueue(sendEmail, { to: 'nope', tags: [1] } as never).catch((e) => e);
    expect(err).toBeInstanceOf(JobValidationError);
    expect(err.issues.map((i: { path: string }) => i.path).sort()).toEqual(['tags.0', 'to']);
    expect(err.message).toMatch(/invalid payload for job "send-email": .*to: /);
    expect(await xlen(sluice.keys('emails').stream)).toBe(0);
  });

  it('refuses a payload that is not JSON or is too large, naming the job and the size', async () => {
    const big = 'x'.repeat(1024 * 1024);
    await expect(sluice.enqueue('blob', { big })).rejects.toThrow(/job "blob".*over the limit of 1048576 bytes/);
    await expect(sluice.enqueue('blob', { n: 1n })).rejects.toThrow(/not JSON-serialisable/);
    await expect(sluice.enqueue('blob', undefined)).rejects.toThrow(/not JSON-serialisable/);
    expect(await xlen(sluice.keys('blob').stream)).toBe(0);
  });

  it('returns the first id for a repeated idempotency key', async () => {
    const a = await sluice.enqueue(sendEmail, { to: 'a@b.co' }, { key: 'order-1' });
    const b = await sluice.enqueue(sendEmail, { to: 'a@b.co' }, { key: 'order-1' });
    expect(b).toEqual({ id: a.id, deduplicated: true, queue: a.queue });
    expect(await xlen(sluice.keys('emails').stream)).toBe(1);
  });

  it('delays a job by a duration or to a time', async () => {
    await sluice.enqueue(sendEmail, { to: 'a@b.co' }, { delay: '10m' });
    await sluice.enqueue(sendEmail, { to: 'a@b.co' }, { at: new Date(Date.now() + 3_600_000) });
    const [s] = await sluice.stats('emails');
    expect(s?.delayed).toBe(2);
    await expect(sluice.enqueue(sendEmail, { to: 'a@b.co' }, { delay: 'soon' })).rejects.toThrow(
      'delay expects a duration like 500ms, 10s or 5m; got "soon"',
    );
    await expect(sluice.enqueue(sendEmail, { to: 'a@b.co' }, { delay: 1, at: 1 })).rejects.toThrow(SluiceArgumentError);
  });
});

describe('enqueueMany', () => {
  it('writes a batch larger than one pipeline', async () => {
    const payloads = Array.from({ length: 2500 }, (_, i) => ({ to: `u${i}@b.co` }));
    const r = await sluice.enqueueMany(sendEmail, payloads);
    expect(r).toHaveLength(2500);
    expect(new Set(r.map((x) => x.id)).size).toBe(2500);
    expect(await xlen(sluice.keys('emails').stream)).toBe(2500);
    // each job's id is its entry id, in order
    const entries = await sluice.streams.xrange(sluice.keys('emails').stream);
    expect(entries.map((e) => e.id)).toEqual(r.map((x) => x.id));
  });

  it('writes nothing when one payload is bad, and names its index', async () => {
    await expect(sluice.enqueueMany(sendEmail, [{ to: 'a@b.co' }, { to: 'bad' }])).rejects.toThrow(
      /payloads\[1\]: .*to:/,
    );
    expect(await xlen(sluice.keys('emails').stream)).toBe(0);
  });
});

describe('stats', () => {
  it('counts ready, running, delayed, dead and paused per queue', async () => {
    const k = sluice.keys('emails');
    await sluice.enqueueMany(sendEmail, [{ to: 'a@b.co' }, { to: 'b@b.co' }, { to: 'c@b.co' }]);
    await sluice.enqueue(sendEmail, { to: 'a@b.co' }, { delay: 60_000 });
    await sluice.streams.xgroupEnsure(k.stream, 'workers', '0', { mkStream: true });
    // one worker takes one job; the wake marker of the delayed job is also an entry
    await deliveredTo(sluice.connection, k, 'w1');
    await sluice.connection.send(['XADD', k.dead, '*', 'id', 'x', 'reason', 'failed']);
    await sluice.pause('emails');
    const [s] = await sluice.stats();
    expect(s).toMatchObject({ queue: 'emails', running: 1, delayed: 1, dead: 1, paused: true });
    expect(s?.ready).toBe(2); // the wake marker of the delayed job is an entry, not a ready job
    expect(s?.consumers.map((c) => c.name)).toEqual(['w1']);
    expect(s?.oldestReadyAgeMs).toBeGreaterThanOrEqual(0);
    expect(s?.oldestRunningIdleMs).toBeGreaterThanOrEqual(0);
    await sluice.resume('emails');
    expect((await sluice.stats('emails'))[0]?.paused).toBe(false);
  });

  it('reports zeros for a queue that does not exist', async () => {
    const [s] = await sluice.stats('nothing-here');
    expect(s).toMatchObject({
      ready: 0,
      running: 0,
      delayed: 0,
      dead: 0,
      consumers: [],
      oldestReadyAgeMs: null,
      paused: false,
    });
  });
});
