/** The checker on small hand-made histories (no Redis, no processes). */
import { describe, expect, it } from 'vitest';
import { check, type FinalState, type History, quiescenceProblems, recoveryAfter, summarize } from './checker.js';

const quiet: FinalState = {
  xlen: 0,
  pending: 0,
  delayed: 0,
  deadLen: 0,
  stats: { ready: 0, running: 0, delayed: 0, dead: 0 },
};
const ex = (key: string, pid = 1) => ({ key, pid });
const h = (over: Partial<History>): History => ({ acked: [], executions: [], dead: [], final: quiet, ...over });

describe('checker', () => {
  it.each([
    {
      what: 'every acked job ran once',
      history: h({ acked: ['a', 'b'], executions: [ex('a'), ex('b')] }),
      want: { lost: [], duplicates: 0, completed: 2, ok: true },
    },
    {
      what: 'an acked job that never ran and is not dead is lost',
      history: h({
        acked: ['a', 'b', 'c'],
        executions: [ex('a')],
        dead: [{ key: 'b', reason: 'invalid', error: 'x' }],
      }),
      want: { lost: ['c'], duplicates: 0, completed: 1, ok: false },
    },
    {
      what: 'duplicates are counted, not failed',
      history: h({ acked: ['a', 'b'], executions: [ex('a', 1), ex('a', 2), ex('a', 3), ex('b')] }),
      want: { lost: [], duplicates: 2, completed: 2, maxExecutionsOfOneJob: 3, ok: true },
    },
    {
      what: 'a dead letter without a reason fails',
      history: h({ acked: ['a'], dead: [{ key: 'a', reason: undefined, error: 'boom' }] }),
      want: { lost: [], deadWithoutReason: ['a'], ok: false },
    },
    {
      what: 'an execution nobody enqueued is unexpected',
      history: h({ acked: ['a'], executions: [ex('a'), ex('zzz')] }),
      want: { unexpected: ['zzz'], ok: false },
    },
    {
      what: 'an unacknowledged enqueue that ran anyway is recovered, not unexpected',
      history: h({ acked: ['a'], unacked: ['a', 'b'], executions: [ex('a'), ex('b')] }),
      want: { recovered: ['b'], unexpected: [], ok: true },
    },
    {
      what: 'a job that completed and was then dead-lettered is reported',
      history: h({ acked: ['a'], executions: [ex('a')], dead: [{ key: 'a', reason: 'poison', error: 'x' }] }),
      want: { completedAndDead: ['a'], deadByReason: { poison: 1 }, ok: true },
    },
    {
      what: 'lost keys sort numerically',
      history: h({ acked: ['job-10', 'job-9', 'job-100'] }),
      want: { lost: ['job-9', 'job-10', 'job-100'] },
    },
  ])('$what', ({ history, want }) => {
    expect(check(history)).toMatchObject(want);
  });

  it('quiescence: the stream, pending list and delayed set are empty, and stats agree with Redis', () => {
    expect(quiescenceProblems(quiet)).toEqual([]);
    expect(quiescenceProblems({ ...quiet, deadLen: 2, stats: { ...quiet.stats, dead: 2 } })).toEqual([]);
    expect(
      quiescenceProblems({ ...quiet, xlen: 3, pending: 1, stats: { ...quiet.stats, ready: 2, running: 1 } }),
    ).toEqual(['stream not empty: XLEN 3', 'pending list not empty: 1']);
    expect(quiescenceProblems({ ...quiet, stats: { ...quiet.stats, ready: 1, dead: 4 } })).toEqual([
      'stats.ready 1 but XLEN - pending = 0',
      'stats.dead 4 but XLEN dead = 0',
    ]);
    expect(check(h({ final: { ...quiet, delayed: 1, stats: { ...quiet.stats, delayed: 1 } } })).ok).toBe(false);
  });

  it('recovery: from each fault end to the first ack after it', () => {
    expect(recoveryAfter([100, 250, 900], [50, 120, 130, 400])).toEqual([20, 150, null]);
    expect(recoveryAfter([10], [])).toEqual([null]);
  });

  it('summarize: p50, p95, max; nulls skipped', () => {
    expect(summarize([3, null, 1, 2, 10])).toEqual({ n: 4, p50: 3, p95: 10, max: 10 });
    expect(summarize([])).toEqual({ n: 0, p50: 0, p95: 0, max: 0 });
  });
});
