/**
 * Read-ahead without Redis: a fake clock measures the runs, fake timers fire the hold check; an executor answers
 * the retry-later script (a hand-back). No assertion depends on real time.
 */
import { defineJob } from '@sluice/core';
import { type Fenced, queueKeys, type RedisExecutor } from '@sluice/core/internal';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../options.js';
import type { WorkerDeps } from '../worker-deps.js';
import type { AckBatcher } from './ack-batcher.js';
import { Held, JobPool } from './pool.js';
import { HOLD_MS } from './read-ahead.js';
import type { AckSink } from './run-types.js';

const keys = queueKeys('t', 'q');

function setup(concurrency: number, readAhead: number | undefined) {
  let now = 1000;
  const clock = { now: () => now, monotonic: () => now };
  const ends: Array<() => void> = [];
  const started: string[] = [];
  const job = defineJob({
    name: 'a',
    handler: (p: { n: string }) =>
      new Promise<void>((resolve) => {
        started.push(p.n);
        ends.push(resolve);
      }),
  });
  const handedBack: string[] = [];
  const exec = {
    send: async (args: ReadonlyArray<string>) => {
      const ks = args.slice(3, 3 + Number(args[2]));
      if (ks.includes(keys.delayed)) {
        handedBack.push(String(args[3 + ks.length + 2]));
        return [1, 0];
      }
      throw new Error(`unexpected command ${args[0]}`);
    },
  } as RedisExecutor;
  const acks: AckSink = { add: (_k, _d, to) => to.acked(undefined, { ok: true } as Fenced) };
  const rt = {
    conn: exec as WorkerDeps['conn'],
    opts: resolveOptions({ jobs: [job], concurrency, clock, ...(readAhead === undefined ? {} : { readAhead }) }),
    consumer: 'c1',
    log: pino({ level: 'silent' }),
    emit: () => {},
    listening: () => false,
    acks: acks as AckBatcher,
    enqueueCtx: { exec, prefix: 't', maxPayloadBytes: 1 << 20, known: new Set<string>() },
    stopping: new AbortController().signal,
  } satisfies WorkerDeps;
  const pool = new JobPool(rt, { wake: () => {} });
  let seq = 0;
  const submit = (n: number) => {
    for (let i = 0; i < n; i++) {
      const id = `${++seq}-0`;
      pool.submit(
        new Held(
          keys,
          { entryId: id, deliveries: 1 },
          { id: `j${seq}`, name: 'a', data: `{"n":"${seq}"}`, attempt: '1', enqueuedAt: '1' },
        ),
      );
    }
  };
  /** Run one job that takes `ms` on the fake clock. */
  const runOne = async (ms: number) => {
    submit(1);
    now += ms;
    ends.shift()?.();
    await new Promise<void>((r) => setImmediate(r));
  };
  return { pool, submit, runOne, started, ends, handedBack, advance: (ms: number) => (now += ms) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('read-ahead', () => {
  it('is off until a run is measured, then holds up to readAhead beyond the slots with their leases renewed', async () => {
    const t = setup(1, 4);
    expect(t.pool.readRoom).toBe(1); // nothing measured yet: as many as the free slots
    await t.runOne(1);
    expect(t.pool.readRoom).toBe(5); // one slot and four ahead
    t.submit(5);
    expect(t.started).toHaveLength(2);
    expect(t.pool.leased('q')).toHaveLength(5); // the running one and the four held ones are renewed
    expect(t.pool.readRoom).toBe(0);
    expect(t.pool.reclaimRoom).toBe(1); // a dead worker's jobs still find room (one slot's worth)
    // shutdown takes the held ones back to hand them back; none of them started
    expect(t.pool.close().map((h) => h.fields.id)).toEqual(['j3', 'j4', 'j5', 'j6']);
    expect(t.started).toHaveLength(2);
  });

  it('is off while recent runs are long; by default it makes a window of 32, or of twice the slots', async () => {
    const t = setup(2, 8);
    await t.runOne(50);
    expect(t.pool.readRoom).toBe(2);
    const d = setup(1, undefined);
    await d.runOne(1);
    expect(d.pool.readRoom).toBe(32);
    const w = setup(40, undefined);
    expect(w.pool.readRoom).toBe(40); // nothing measured yet
    await w.runOne(1);
    expect(w.pool.readRoom).toBe(80);
  });

  it('reads a large window in halves, and a read beside a batch only while the room allows', async () => {
    const t = setup(40, 40);
    expect(t.pool.readCount).toBe(40); // not reading ahead yet: the free slots
    expect(t.pool.readBeside(40)).toBe(0);
    await t.runOne(1);
    expect(t.pool.readRoom).toBe(80);
    expect(t.pool.readCount).toBe(40); // half the window of 80
    expect(t.pool.readBeside(40)).toBe(40); // forty just read, forty more may be read while they run
    expect(t.pool.readBeside(60)).toBe(20);
    expect(t.pool.readBeside(61)).toBe(0); // less than half the read-ahead: the next round reads
    t.submit(80);
    expect(t.pool.readCount).toBe(0);
    expect(t.pool.readBeside(0)).toBe(0);
    // a window of at most 64 is read whole, as before
    const s = setup(10, 54);
    await s.runOne(1);
    expect(s.pool.readCount).toBe(64);
    expect(s.pool.readBeside(32)).toBe(0);
  });

  it('hands back the deliveries held HOLD_MS behind busy slots and stops reading ahead', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const t = setup(1, 4);
    await t.runOne(1);
    t.submit(5); // one runs long, four held
    t.advance(HOLD_MS);
    vi.advanceTimersByTime(HOLD_MS);
    await vi.waitFor(() => expect(t.handedBack).toHaveLength(4));
    expect(t.pool.leased('q')).toHaveLength(1); // only the running one is renewed now
    expect(t.pool.readRoom).toBe(0); // read-ahead off: the slot is busy and nothing more is read
    t.ends.shift()?.();
    await vi.waitFor(() => expect(t.pool.readRoom).toBe(1));
  });

  it('a cancelled held delivery ends at once without its handler', async () => {
    const t = setup(1, 4);
    await t.runOne(1);
    t.submit(3);
    expect(t.pool.cancel('q', 'j4')).toBe(true);
    expect(t.pool.leased('q').map((h) => h.fields.id)).toEqual(['j2', 'j3']);
    expect(t.started).toHaveLength(2);
  });
});
