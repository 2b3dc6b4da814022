import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { collectFollowUps, parseFollowUps } from './follow-ups.js';

const check = async (_job: unknown, v: unknown) =>
  (v as { n?: unknown }).n === 1 ? { ok: true as const } : { ok: false as const, error: 'n: must be 1' };
const child = defineJob({ name: 'child', queue: 'kids', handler: (_p: { n: number }) => {} });

describe('follow-ups', () => {
  it('ctx.enqueue collects validated jobs with their queue and options; no id yet; refused once closed', async () => {
    const c = collectFollowUps(check);
    expect(await c.enqueue(child, { n: 1 }, { delay: '5s', at: undefined, key: 'k' })).toEqual({
      id: '',
      deduplicated: false,
    });
    await c.enqueue(child, { n: 1 }, { queue: 'other', at: new Date(1000) });
    await expect(c.enqueue(child, { n: 2 })).rejects.toThrow('n: must be 1');
    expect(c.close()).toEqual([
      { name: 'child', queue: 'kids', payload: { n: 1 }, options: { delay: '5s', key: 'k' } },
      { name: 'child', queue: 'other', payload: { n: 1 }, options: { at: 1000 } },
    ]);
    await expect(c.enqueue(child, { n: 1 })).rejects.toThrow(/after the handler returned/);
  });

  it('parses the follow-ups of a body; malformed ones are named', () => {
    expect(parseFollowUps('not json')).toEqual([]);
    expect(parseFollowUps('{"ok":true}')).toEqual([]);
    const one = { name: 'child', queue: 'kids', payload: { n: 1 }, options: { delay: 5 } };
    expect(parseFollowUps(JSON.stringify({ ok: true, enqueue: [one] }))).toEqual([one]);
    expect(parseFollowUps('{"enqueue":{}}')).toMatch(/must be an array/);
    expect(parseFollowUps('{"enqueue":[{"name":"a","queue":"a"}]}')).toBe(
      'follow-up job 1 of the response: payload is missing',
    );
    expect(parseFollowUps('{"enqueue":[{"name":"a","queue":"a","payload":1,"options":{"at":"soon"}}]}')).toBe(
      'follow-up job 1 of the response: option at must be a number',
    );
  });
});
