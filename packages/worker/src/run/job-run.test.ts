/** The run state machine without Redis: the ack goes to a recording receiver, outcomes that need Redis are not run. */
import { type AnyJob, defineJob } from '@sluice/core';
import { type Fenced, queueKeys, type RedisExecutor, systemClock } from '@sluice/core/internal';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../../../test/wait.js';
import { JobInterrupt } from './errors.js';
import { RunSignal } from './run-signal.js';
import { Delivered, type RunJobResult, type RunOwner, type RunShared } from './run-types.js';
import { startJob } from './start-job.js';

const keys = queueKeys('t', 'q');
/** An executor whose Redis is unreachable: every command rejects. */
const down: RedisExecutor = { send: () => Promise.reject(new Error('connection refused')) } as unknown as RedisExecutor;

function shared(jobs: AnyJob[], acks: string[], owner: RunOwner): RunShared {
  return {
    exec: down,
    consumer: 'c1',
    jobs: new Map(jobs.map((j) => [j.name, j])),
    log: pino({ level: 'silent' }),
    enqueueCtx: { exec: down, prefix: 't', maxPayloadBytes: 1 << 20, known: new Set() },
    clock: systemClock,
    random: Math.random,
    acks: {
      add(_k, d, to) {
        acks.push(d.entryId);
        queueMicrotask(() => to.acked(undefined, { ok: true } as Fenced));
      },
    },
    owner,
  };
}

/** A run of `fields` and an owner that records its calls. */
function task(fields: Record<string, string>, interrupt?: RunSignal) {
  const calls: string[] = [];
  const results: RunJobResult[] = [];
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));
  const t = new Delivered(keys, { entryId: '1-0', deliveries: 1 }, fields, interrupt);
  const owner: RunOwner = {
    started: () => calls.push('start'),
    settled: () => calls.push('settled'),
    done: (_task, err, r) => {
      calls.push(err ? 'error' : 'done');
      if (r) results.push(r);
      resolveDone();
    },
  };
  return { t, owner, calls, results, done };
}

const fields = (name: string) => ({ id: 'j1', name, data: '{"n":1}', attempt: '1', enqueuedAt: '1' });

describe('startJob', () => {
  it('a synchronous handler: started, settled, acked once, done once', async () => {
    const seen: unknown[] = [];
    const job = defineJob({ name: 'sync', handler: (p: { n: number }) => void seen.push(p) });
    const acks: string[] = [];
    const { t, owner, calls, results, done } = task(fields('sync'));
    startJob(shared([job], acks, owner), t);
    await done;
    expect(seen).toEqual([{ n: 1 }]);
    expect(acks).toEqual(['1-0']);
    expect(calls).toEqual(['start', 'settled', 'done']);
    expect(results).toMatchObject([{ outcome: 'succeeded', decision: { kind: 'ack' } }]);
  });

  it('an interrupt that came before the start: the handler never runs and the job is dropped (lease lost)', async () => {
    let ran = false;
    const job = defineJob({
      name: 'x',
      handler: () => {
        ran = true;
      },
    });
    const sig = new RunSignal();
    sig.abort(new JobInterrupt('lease-lost', 'gone'));
    const { t, owner, calls, results, done } = task(fields('x'), sig);
    startJob(shared([job], [], owner), t);
    await done;
    expect(ran).toBe(false);
    expect(calls).toEqual(['settled', 'done']);
    expect(results).toMatchObject([{ outcome: 'lease-lost', durationMs: 0, decision: { kind: 'abandon' } }]);
  });

  it('a lease lost mid-run ends the run at once; the handler finishing later is a late result, not a second end', async () => {
    let finish: () => void = () => {};
    const job = defineJob({ name: 'slow', handler: () => new Promise<void>((r) => (finish = r)) });
    const sig = new RunSignal();
    const acks: string[] = [];
    const { t, owner, calls, results, done } = task(fields('slow'), sig);
    startJob(shared([job], acks, owner), t);
    expect(calls).toEqual(['start']);
    sig.abort(new JobInterrupt('lease-lost', 'reclaimed elsewhere'));
    await done;
    finish();
    await sleep(20); // a window for a second end, which must not come (an absence is asserted, not a duration)
    expect(calls).toEqual(['start', 'settled', 'done']);
    expect(results).toMatchObject([{ outcome: 'lease-lost' }]);
    expect(acks).toEqual([]); // the batcher never saw it; the late ack went to the (unreachable) fence
  });

  it('the ctx getters work when destructured, and the signal follows the run', async () => {
    let got: { jobId: string; attempt: number; aborted: boolean; enqueue: unknown } | undefined;
    const job = defineJob({
      name: 'ctx',
      handler: (_p, { jobId, attempt, signal, enqueue }) => {
        got = { jobId, attempt, aborted: signal.aborted, enqueue: typeof enqueue };
      },
    });
    const { t, owner, done } = task(fields('ctx'));
    startJob(shared([job], [], owner), t);
    await done;
    expect(got).toEqual({ jobId: 'j1', attempt: 1, aborted: false, enqueue: 'function' });
  });
});
