/**
 * The job pool without Redis: handlers the test ends by hand, an ack sink the test answers, and an executor that
 * answers the retry-later and finish-marker scripts. Steps wait for a turn of the event loop, never for time.
 */
import { type AnyJob, type Connection, defineJob } from '@sluice/core';
import { type Fenced, queueKeys, type RedisExecutor } from '@sluice/core/internal';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { WorkerEventMap } from '../events.js';
import { resolveOptions } from '../options.js';
import type { WorkerDeps } from '../worker-deps.js';
import type { AckBatcher } from './ack-batcher.js';
import { JobInterrupt } from './errors.js';
import { Held, JobPool } from './pool.js';
import type { AckReceiver, AckSink } from './run-types.js';

const keys = queueKeys('t', 'q');
/** Lets every pending promise reaction and immediate run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Handlers that run until the test ends them: `started` lists the payloads' `n` in start order. */
function handlers() {
  const started: string[] = [];
  const ends = new Map<string, { resolve(): void; signal: AbortSignal }>();
  const handler = (p: { n: string }, ctx: { signal: AbortSignal }) =>
    new Promise<void>((resolve) => {
      started.push(p.n);
      ends.set(p.n, { resolve, signal: ctx.signal });
    });
  /** End the handler of `n` (it returns). */
  const end = async (n: string) => {
    ends.get(n)?.resolve();
    await turn();
  };
  const signalOf = (n: string) => ends.get(n)?.signal;
  return { started, handler, end, signalOf };
}

/** An ack sink the test answers: `answer()` acks everything asked so far (or fails it with `err`). */
function manualAcks() {
  const asked: { entryId: string; to: AckReceiver }[] = [];
  const sink: AckSink = { add: (_keys, d, to) => void asked.push({ entryId: d.entryId, to }) };
  const answer = async (err?: Error) => {
    for (const a of asked.splice(0)) a.to.acked(err, err ? undefined : ({ ok: true } as Fenced));
    await turn();
  };
  return { sink, asked, answer };
}

/** The pool of a worker with `jobs` and `concurrency`; `scripts` lists the fenced scripts sent (by kind). */
function pool(jobs: AnyJob[], concurrency: number, acks: AckSink) {
  const scripts: string[] = [];
  const exec: RedisExecutor = {
    send: async (args: ReadonlyArray<string>) => {
      const ks = args.slice(3, 3 + Number(args[2]));
      if (ks.includes(keys.delayed)) {
        scripts.push(`retry-later ${args[3 + ks.length + 2]}`); // after KEYS: group, consumer, entry id
        return [1, 0];
      }
      if (ks.includes(keys.wakes)) {
        scripts.push('finish-marker');
        return 1;
      }
      throw new Error(`unexpected command ${args[0]}`);
    },
  } as RedisExecutor;
  const events: { event: keyof WorkerEventMap; payload: unknown }[] = [];
  const woken: string[] = [];
  const rt = {
    conn: exec as Connection,
    opts: resolveOptions({ jobs, concurrency }),
    consumer: 'c1',
    log: pino({ level: 'silent' }),
    emit: (event, payload) => void events.push({ event, payload }),
    listening: () => false,
    acks: acks as AckBatcher,
    enqueueCtx: { exec, prefix: 't', maxPayloadBytes: 1 << 20, known: new Set<string>() },
    stopping: new AbortController().signal,
  } satisfies WorkerDeps;
  const p = new JobPool(rt, { wake: (queue) => void woken.push(queue) });
  return { pool: p, scripts, events, woken };
}

let seq = 0;
/** A held delivery of job `name` with payload `{ n }`. */
const held = (name: string, n: string) =>
  new Held(
    keys,
    { entryId: `${++seq}-0`, deliveries: 1 },
    { id: `j${n}`, name, data: JSON.stringify({ n }), attempt: '1', enqueuedAt: '1' },
  );
const marker = () => new Held(keys, { entryId: `${++seq}-0`, deliveries: 1 }, { wake: '1' });

describe('JobPool', () => {
  it('runs at most `concurrency` handlers; a waiting delivery starts, in order, when a handler is over', async () => {
    const h = handlers();
    const acks = manualAcks();
    const { pool: p } = pool([defineJob({ name: 'a', handler: h.handler })], 2, acks.sink);
    for (const n of ['1', '2', '3', '4']) p.submit(held('a', n));
    expect(h.started).toEqual(['1', '2']);
    expect(p.free).toBe(-2);
    expect(p.reclaimRoom).toBe(0);
    await h.end('2');
    expect(h.started).toEqual(['1', '2', '3']);
    expect(p.runningCount).toBe(3); // two handlers, and the ack of 2 still being recorded
    await acks.answer();
    expect(p.runningCount).toBe(2);
  });

  it("a job's own concurrency: its second delivery waits while another job's delivery passes it", async () => {
    const h = handlers();
    const acks = manualAcks();
    const one = defineJob({ name: 'one', concurrency: 1, handler: h.handler });
    const free = defineJob({ name: 'free', handler: h.handler });
    const { pool: p } = pool([one, free], 3, acks.sink);
    p.submit(held('one', 'o1'));
    p.submit(held('one', 'o2'));
    p.submit(held('free', 'f1'));
    expect(h.started).toEqual(['o1', 'f1']);
    await h.end('o1');
    expect(h.started).toEqual(['o1', 'f1', 'o2']);
  });

  it('a wake marker is finished at once, outside the concurrency, and wakes the promoter of its queue', async () => {
    const h = handlers();
    const { pool: p, scripts, woken } = pool([defineJob({ name: 'a', handler: h.handler })], 1, manualAcks().sink);
    p.submit(held('a', '1'));
    p.submit(marker());
    expect(p.free).toBe(0);
    await turn();
    expect(scripts).toEqual(['finish-marker']);
    expect(woken).toEqual(['q']);
    expect(p.runningCount).toBe(1);
  });

  it('renews the leases of running and waiting deliveries, and stops once a handler is over', async () => {
    const h = handlers();
    const acks = manualAcks();
    const { pool: p } = pool([defineJob({ name: 'a', handler: h.handler })], 1, acks.sink);
    const first = held('a', '1');
    const second = held('a', '2');
    p.submit(first);
    p.submit(second);
    expect(p.leased('q')).toEqual([first, second]);
    expect(p.leased('other')).toEqual([]);
    await h.end('1');
    expect(first.renew).toBe(false);
    expect(p.leased('q')).toEqual([second]);
  });

  it('a lost lease drops a waiting delivery and interrupts a running one, which is not acked', async () => {
    const h = handlers();
    const acks = manualAcks();
    const { pool: p } = pool([defineJob({ name: 'a', handler: h.handler })], 1, acks.sink);
    const running = held('a', '1');
    const waiting = held('a', '2');
    p.submit(running);
    p.submit(waiting);
    p.leaseLost(waiting);
    expect(p.leased('q')).toEqual([running]);
    p.leaseLost(running);
    expect(h.signalOf('1')?.reason).toMatchObject({ kind: 'lease-lost' });
    await p.idle();
    expect(acks.asked).toEqual([]);
    expect(h.started).toEqual(['1']);
  });

  it('close() returns the waiting deliveries and starts nothing more; interruptAll hands the running back', async () => {
    const h = handlers();
    const { pool: p, scripts } = pool([defineJob({ name: 'a', handler: h.handler })], 1, manualAcks().sink);
    const running = held('a', '1');
    const waiting = held('a', '2');
    p.submit(running);
    p.submit(waiting);
    expect(p.close()).toEqual([waiting]);
    p.interruptAll(new JobInterrupt('shutdown', 'stopping'));
    await p.idle();
    expect(scripts).toEqual([`retry-later ${running.delivery.entryId}`]);
    expect(h.started).toEqual(['1']);
  });

  it('idle() waits for outcomes still being recorded, not only for handlers', async () => {
    const h = handlers();
    const acks = manualAcks();
    const { pool: p } = pool([defineJob({ name: 'a', handler: h.handler })], 2, acks.sink);
    p.submit(held('a', '1'));
    let idle = false;
    void p.idle().then(() => {
      idle = true;
    });
    await h.end('1');
    expect(idle).toBe(false);
    await acks.answer();
    expect(idle).toBe(true);
  });

  it('an outcome that could not be recorded is reported as worker:error and frees the delivery', async () => {
    const h = handlers();
    const acks = manualAcks();
    const { pool: p, events } = pool([defineJob({ name: 'a', handler: h.handler })], 1, acks.sink);
    p.submit(held('a', '1'));
    await h.end('1');
    const down = new Error('connection refused');
    await acks.answer(down);
    expect(events).toEqual([{ event: 'worker:error', payload: { error: down, where: 'run-job' } }]);
    expect(p.runningCount).toBe(0);
  });

  it('waitForSlot() resolves when a slot frees, or when its signal aborts', async () => {
    const h = handlers();
    const { pool: p } = pool([defineJob({ name: 'a', handler: h.handler })], 1, manualAcks().sink);
    p.submit(held('a', '1'));
    let freed = false;
    void p.waitForSlot(new AbortController().signal).then(() => {
      freed = true;
    });
    await turn();
    expect(freed).toBe(false);
    await h.end('1');
    expect(freed).toBe(true);
    p.submit(held('a', '2'));
    const stop = new AbortController();
    const waited = p.waitForSlot(stop.signal);
    stop.abort();
    await waited;
    expect(p.free).toBe(0);
  });
});
