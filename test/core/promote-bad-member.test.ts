/** promote-due never lets one bad delayed member block a queue: it is dead-lettered with the reason, the rest move on. */
import { createSluice, type Sluice } from '@sluice/core';
import { GROUP, promoteDue } from '@sluice/core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisUrl, track, uniquePrefix } from '../helpers.js';

let s: Sluice;
beforeEach(async () => {
  s = await createSluice({ url: redisUrl(), prefix: uniquePrefix() });
  track({ label: 'sluice', isOpen: () => s.connection.client.isOpen, forceClose: () => s.connection.destroy() });
});
afterEach(async () => {
  await s.close();
});

const member = (id: string, extra: Record<string, string> = {}) =>
  JSON.stringify({ id, name: 'email', data: '{}', attempt: '2', enqueuedAt: '1', ...extra });

describe('promote-due with a member it cannot promote', () => {
  it('dead-letters a member with 5,000 keys (its job fields kept, its text cut) and promotes the others', async () => {
    const k = s.keys('emails');
    const wide: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) wide[`f${i}`] = 'v';
    const bad = member('wide', wide);
    await s.connection.send(['ZADD', k.delayed, '1', member('before'), '2', bad, '3', member('after')], k.delayed);
    const r = await promoteDue(s.connection, k, 100);
    expect(r).toMatchObject({ moved: 3, deadLettered: 1, nextDueInMs: null });
    const ready = await s.streams.xrange(k.stream);
    expect(ready.map((e) => e.fields.id)).toEqual(['before', 'after']);
    expect(Number(await s.connection.send(['ZCARD', k.delayed], k.delayed))).toBe(0);
    const [dead, ...more] = await s.dead.list('emails');
    expect(more).toEqual([]);
    expect(dead).toMatchObject({
      reason: 'invalid',
      error: 'malformed delayed job: 5005 fields, more than 64',
      job: { id: 'wide', name: 'email', data: '{}', attempt: 2 },
      redrivable: true,
      truncated: `member cut to 4096 of ${Buffer.byteLength(bad)} bytes`,
    });
    expect(dead?.member).toBe(bad.slice(0, 4096));
  });

  it('a delayed job due after a bad member is promoted by the next call, not blocked for ever', async () => {
    const k = s.keys('emails');
    await s.connection.send(['XGROUP', 'CREATE', k.stream, GROUP, '0', 'MKSTREAM'], k.stream);
    await s.connection.send(['ZADD', k.delayed, '1', '{"id":5}', '2', '[]', '3', 'null', '4', member('ok')], k.delayed);
    expect(await promoteDue(s.connection, k, 3)).toMatchObject({ moved: 3, deadLettered: 3, nextDueInMs: 0 });
    expect(await promoteDue(s.connection, k, 3)).toMatchObject({ moved: 1, deadLettered: 0, nextDueInMs: null });
    expect((await s.streams.xrange(k.stream)).map((e) => e.fields.id)).toEqual(['ok']);
    expect((await s.dead.list('emails')).map((d) => [d.error, d.member])).toEqual([
      ['malformed delayed job: not a JSON object of strings', 'null'],
      ['malformed delayed job: not a JSON object of strings', '[]'],
      ['malformed delayed job: not a JSON object of strings', '{"id":5}'],
    ]);
  });
});
