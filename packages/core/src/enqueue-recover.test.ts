import { describe, expect, it } from 'vitest';
import { settleWithin } from './enqueue-recover.js';

describe('settleWithin', () => {
  it('gives each value, undefined for a rejection or a promise still pending after the grace time', async () => {
    const never = new Promise<string>(() => {});
    const boom = new Error('boom');
    const r = await settleWithin([Promise.resolve('1-0'), Promise.reject(boom), never, Promise.resolve('2-0')], 20);
    expect(r.values).toEqual(['1-0', undefined, undefined, '2-0']);
    expect(r.error).toBe(boom);
  });

  it('reports a timeout when nothing rejected but something is still pending', async () => {
    const r = await settleWithin([new Promise<string>(() => {})], 10);
    expect(r.values).toEqual([undefined]);
    expect((r.error as Error).message).toBe('no reply within 10 ms');
    expect(await settleWithin([Promise.resolve(1)], 10)).toEqual({ values: [1], error: undefined });
  });
});
