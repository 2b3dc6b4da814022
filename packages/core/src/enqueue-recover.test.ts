import { describe, expect, it } from 'vitest';
import type { RedisExecutor } from './connection.js';
import { recoverBatch, settleWithin } from './enqueue-recover.js';

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

describe('recoverBatch', () => {
  const env = (data: string) => ({ id: 'unused', name: 'mail', data, attempt: 1, enqueuedAt: 7 });
  // the fresh form: the job name in the one pair's key (job.ts envelopeFields)
  const flat = (e: ReturnType<typeof env>) => [`\u001f${e.name}`, e.data, 'enqueuedAt', '7'];
  const older = (e: ReturnType<typeof env>) => ['name', e.name, 'data', e.data, 'enqueuedAt', '7'];

  it('finds the jobs sent without a reply by their fields (no id field), equal ones in order, and re-sends the rest without an id', async () => {
    const batch = [env('{"a":1}'), env('{"a":1}'), env('{"a":1}'), env('{"b":2}')];
    const sent: string[][] = [];
    const exec = {
      send: async (args: readonly string[]) => {
        sent.push([...args]);
        if (args[0] === 'XADD') return '9-0';
        return [
          ['1-0', flat(batch[0] as ReturnType<typeof env>)], // acknowledged already: not taken for a missing one
          ['2-0', ['id', 'other-job', ...flat(batch[1] as ReturnType<typeof env>)]], // another job (has an id field)
          ['3-0', older(batch[1] as ReturnType<typeof env>)], // the older two-field form matches as well
          ['4-0', flat(batch[3] as ReturnType<typeof env>)],
        ];
      },
    } as unknown as RedisExecutor;
    const ids = await recoverBatch(exec, 's', batch, ['1-0', undefined, undefined, undefined], '0', 0, null, 4);
    expect(ids).toEqual(['1-0', '3-0', '9-0', '4-0']);
    const xadds = sent.filter((a) => a[0] === 'XADD');
    expect(xadds).toEqual([['XADD', 's', '*', ...flat(batch[2] as ReturnType<typeof env>)]]);
  });
});
