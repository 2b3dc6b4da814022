import { beforeAll, describe, expect, it } from 'vitest';
import type { RedisExecutor } from './connection.js';
import type { EnqueueContext } from './enqueue.js';
import { keysOf } from './enqueue.js';
import { enqueueMany } from './enqueue-many.js';
import { SCRIPTS } from './scripts/index.js';

type Reply = (args: string[]) => unknown;

/** A context whose executor records every command and answers with `reply` (SADD: 1). */
function fake(reply: Reply) {
  const sent: string[][] = [];
  const exec = {
    send: async (args: readonly string[]) => {
      sent.push([...args]);
      return args[0] === 'SADD' ? 1 : reply([...args]);
    },
  } as unknown as RedisExecutor;
  const ctx: EnqueueContext = { exec, prefix: 'p', maxPayloadBytes: 1024 * 1024, known: new Set() };
  return { ctx, sent };
}

const stream = keysOf('p', 'mail').stream;
/** The payloads of an EVALSHA/EVAL of enqueue-batch (`cmd sha 1 stream key enqueuedAt ...payloads`). */
const payloadsOf = (args: string[]) => args.slice(6);
/** Entry ids `<n>-<k>` for a script call's payloads. */
const idsFor = (n: number, args: string[]) => payloadsOf(args).map((_, k) => `${n}-${k}`);

describe('enqueueMany, immediate jobs', () => {
  // A script's first run in a process sends its body (EVAL); these tests look at the runs after it (EVALSHA), so
  // the script's first run is made here, whichever test runs first.
  beforeAll(async () => {
    await SCRIPTS.enqueueBatch.runOnce({ send: async () => [] } as unknown as RedisExecutor, [stream], ['k', '1']);
  });

  it('sends each batch (at most 1000 jobs, 1 Mi payload characters) as pipelined enqueue-batch calls of 250', async () => {
    let n = 0;
    const { ctx, sent } = fake((args) => idsFor(++n, args));
    const small = await enqueueMany(
      ctx,
      'mail',
      Array.from({ length: 2100 }, (_, i) => ({ i })),
    );
    const calls = sent.filter((a) => a[0] === 'EVALSHA');
    expect(calls.map((a) => payloadsOf(a).length)).toEqual([250, 250, 250, 250, 250, 250, 250, 250, 100]);
    expect(calls.every((a) => a[1] === SCRIPTS.enqueueBatch.sha && a[2] === '1' && a[3] === stream)).toBe(true);
    expect(calls[0]?.[4]).toBe('\u001fmail');
    expect(payloadsOf(calls[8] as string[])[99]).toBe('{"i":2099}');
    expect(small[1000]).toEqual({ id: '5-0', deduplicated: false, queue: 'mail' });
    expect(small.map((r) => r.id).slice(998, 1002)).toEqual(['4-248', '4-249', '5-0', '5-1']);
    // five payloads of 300k characters: 3 fit in 1 Mi (900k), the 4th starts the next batch
    sent.length = 0;
    const big = await enqueueMany(
      ctx,
      'mail',
      Array.from({ length: 5 }, (_, i) => `${i}`.repeat(300_000)),
    );
    expect(sent.filter((a) => a[0] === 'EVALSHA').map((a) => payloadsOf(a).length)).toEqual([3, 2]);
    expect(big.map((r) => r.id)).toEqual(['10-0', '10-1', '10-2', '11-0', '11-1']);
  });

  it('falls back to EVAL when the server does not know the script (NOSCRIPT)', async () => {
    const { ctx, sent } = fake((args) => {
      if (args[0] === 'EVALSHA') throw new Error('NOSCRIPT No matching script.');
      return idsFor(1, args);
    });
    expect((await enqueueMany(ctx, 'mail', [1, 2])).map((r) => r.id)).toEqual(['1-0', '1-1']);
    expect(sent.map((a) => a[0])).toEqual(['SADD', 'EVALSHA', 'EVAL']);
    expect(sent[2]?.[1]).toBe(SCRIPTS.enqueueBatch.source);
  });

  it('a call whose reply is lost and that is in the stream (all of it) is found, not re-sent', async () => {
    let lost: string[] = [];
    const { ctx, sent } = fake((args) => {
      // the first batch and the first call of the second are acknowledged; the second call's reply is lost
      if (args[0] === 'EVALSHA' && Number(args[6]) < 1250) return idsFor(Number(args[6]), args);
      if (args[0] === 'EVALSHA') {
        lost = args;
        throw new Error('Socket closed unexpectedly');
      }
      if (args[0] === 'XRANGE') {
        // the script ran before its node died: every entry of the call, after one of another producer
        const fields = (d: string) => [lost[4], d, 'enqueuedAt', lost[5]];
        return [['2-0', ['\u001fmail', '"other"']], ...payloadsOf(lost).map((d, k) => [`3000-${k}`, fields(d)])];
      }
      throw new Error(`unexpected ${args[0]}`);
    });
    const r = await enqueueMany(
      ctx,
      'mail',
      Array.from({ length: 1500 }, (_, i) => i),
    );
    expect(r[999]?.id).toBe('750-249');
    expect(r.slice(1000, 1250).map((x) => x.id)).toEqual(Array.from({ length: 250 }, (_, k) => `1000-${k}`));
    expect(r.slice(1250).map((x) => x.id)).toEqual(Array.from({ length: 250 }, (_, k) => `3000-${k}`));
    // looked up after the last entry acknowledged before the lost call; nothing sent again
    expect(sent.find((a) => a[0] === 'XRANGE')?.slice(0, 3)).toEqual(['XRANGE', stream, '(1000-249']);
    expect(sent.filter((a) => a[0] === 'XADD')).toEqual([]);
  });

  it('a batch whose reply is lost and that is not in the stream is re-sent, each job once, with its fields', async () => {
    let xadds = 0;
    const { ctx, sent } = fake((args) => {
      if (args[0] === 'EVALSHA') throw new Error('Socket closed unexpectedly');
      if (args[0] === 'XRANGE') return [];
      if (args[0] === 'XADD') return `9-${xadds++}`;
      throw new Error(`unexpected ${args[0]}`);
    });
    const r = await enqueueMany(ctx, 'mail', ['a', 'b'], { trace: '00-t-s-01' });
    expect(r.map((x) => x.id)).toEqual(['9-0', '9-1']);
    const script = sent.find((a) => a[0] === 'EVALSHA') as string[];
    const key = '\u001fmail\u001e00-t-s-01';
    expect(script.slice(4, 6)).toEqual([key, script[5]]);
    expect(sent.filter((a) => a[0] === 'XADD')).toEqual([
      ['XADD', stream, '*', key, '"a"', 'enqueuedAt', script[5]],
      ['XADD', stream, '*', key, '"b"', 'enqueuedAt', script[5]],
    ]);
  });
});
