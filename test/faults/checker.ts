/**
 * The checker of the fault suite, in the manner of Jepsen's `total-queue`: pure functions over a recorded
 * history, no I/O, unit-tested with small tables (checker.test.ts).
 *
 * - lost:       acknowledged enqueues that were neither completed nor dead-lettered (must be 0)
 * - completed:  jobs with at least one recorded execution (the handler did its work and returned)
 * - duplicates: executions minus distinct executed jobs: reported as a figure, never a failure
 * - recovered:  enqueues never acknowledged (the producer gave up or the call failed) that ran anyway
 * - unexpected: executions or dead letters of jobs nobody tried to enqueue
 * - every dead-lettered entry must carry a reason
 * - at quiescence: the stream, the pending list and the delayed set are empty, and `queue stats` agrees
 */

/** One recorded execution (a line of a worker's record file). */
export interface Execution {
  key: string;
  pid: number;
}

/** One entry of the dead-letter stream. */
export interface DeadRecord {
  /** The job's key (`job-<n>`); undefined when the entry has none (e.g. a trimmed-entry report). */
  key: string | undefined;
  reason: string | undefined;
  error: string | undefined;
  /** Stream entry id the job had. */
  entryId?: string | undefined;
}

/** What Redis and `queue stats` said once the run was over. */
export interface FinalState {
  xlen: number;
  pending: number;
  delayed: number;
  deadLen: number;
  stats: { ready: number; running: number; delayed: number; dead: number };
}

/** The whole history of a run. */
export interface History {
  /** Keys whose enqueue was acknowledged (the call resolved, or a raw XADD returned an id). */
  acked: Iterable<string>;
  /** Keys whose enqueue was attempted but never acknowledged (indeterminate or rejected). */
  unacked?: Iterable<string>;
  executions: readonly Execution[];
  dead: readonly DeadRecord[];
  final: FinalState;
}

/** The verdict. */
export interface Report {
  acked: number;
  executions: number;
  completed: number;
  duplicates: number;
  /** Most executions of one job. */
  maxExecutionsOfOneJob: number;
  dead: number;
  deadByReason: Record<string, number>;
  /** Keys dead-lettered with no reason (must be empty). */
  deadWithoutReason: string[];
  /** Acknowledged keys neither completed nor dead-lettered (must be empty). */
  lost: string[];
  /** Unacknowledged keys that completed or were dead-lettered anyway. */
  recovered: string[];
  /** Executed or dead-lettered keys nobody tried to enqueue. */
  unexpected: string[];
  /** Keys that both completed and were dead-lettered (a crash after the work, then poison): reported only. */
  completedAndDead: string[];
  /** Failed quiescence checks, in words (must be empty). */
  quiescence: string[];
  /** lost, deadWithoutReason, unexpected and quiescence all empty. */
  ok: boolean;
}

const sorted = (s: Iterable<string>) => [...s].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

/** The quiescence checks: an empty stream, pending list and delayed set, and stats that agree with Redis. */
export function quiescenceProblems(f: FinalState): string[] {
  const p: string[] = [];
  if (f.xlen !== 0) p.push(`stream not empty: XLEN ${f.xlen}`);
  if (f.pending !== 0) p.push(`pending list not empty: ${f.pending}`);
  if (f.delayed !== 0) p.push(`delayed set not empty: ${f.delayed}`);
  const ready = Math.max(0, f.xlen - f.pending);
  if (f.stats.ready !== ready) p.push(`stats.ready ${f.stats.ready} but XLEN - pending = ${ready}`);
  if (f.stats.running !== f.pending) p.push(`stats.running ${f.stats.running} but XPENDING = ${f.pending}`);
  if (f.stats.delayed !== f.delayed) p.push(`stats.delayed ${f.stats.delayed} but ZCARD = ${f.delayed}`);
  if (f.stats.dead !== f.deadLen) p.push(`stats.dead ${f.stats.dead} but XLEN dead = ${f.deadLen}`);
  return p;
}

/** Check a history. */
export function check(h: History): Report {
  const acked = new Set(h.acked);
  const unacked = new Set([...(h.unacked ?? [])].filter((k) => !acked.has(k)));
  const runs = new Map<string, number>();
  for (const e of h.executions) runs.set(e.key, (runs.get(e.key) ?? 0) + 1);
  const deadKeys = new Set<string>();
  const deadByReason: Record<string, number> = {};
  const deadWithoutReason: string[] = [];
  for (const d of h.dead) {
    if (d.key !== undefined) deadKeys.add(d.key);
    if (!d.reason) deadWithoutReason.push(d.key ?? d.entryId ?? '?');
    else deadByReason[d.reason] = (deadByReason[d.reason] ?? 0) + 1;
  }
  const seen = new Set([...runs.keys(), ...deadKeys]);
  const lost = [...acked].filter((k) => !runs.has(k) && !deadKeys.has(k));
  const recovered = [...unacked].filter((k) => seen.has(k));
  const unexpected = [...seen].filter((k) => !acked.has(k) && !unacked.has(k));
  const quiescence = quiescenceProblems(h.final);
  return {
    acked: acked.size,
    executions: h.executions.length,
    completed: runs.size,
    duplicates: h.executions.length - runs.size,
    maxExecutionsOfOneJob: Math.max(0, ...runs.values()),
    dead: h.dead.length,
    deadByReason,
    deadWithoutReason: sorted(deadWithoutReason),
    lost: sorted(lost),
    recovered: sorted(recovered),
    unexpected: sorted(unexpected),
    completedAndDead: sorted([...deadKeys].filter((k) => runs.has(k))),
    quiescence,
    ok: lost.length === 0 && deadWithoutReason.length === 0 && unexpected.length === 0 && quiescence.length === 0,
  };
}

/** Recovery figures: from each fault's end to the first accepted ack after it (ms); null when none came. */
export function recoveryAfter(faultEnds: readonly number[], ackTimes: readonly number[]): (number | null)[] {
  const acks = [...ackTimes].sort((a, b) => a - b);
  return faultEnds.map((end) => {
    let lo = 0;
    let hi = acks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((acks[mid] as number) <= end) lo = mid + 1;
      else hi = mid;
    }
    return lo < acks.length ? (acks[lo] as number) - end : null;
  });
}

/** Median, 95th percentile and max of some figures (nulls skipped). */
export function summarize(values: readonly (number | null)[]): { n: number; p50: number; p95: number; max: number } {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  const at = (q: number) => (v.length ? (v[Math.min(v.length - 1, Math.floor(q * v.length))] as number) : 0);
  return { n: v.length, p50: at(0.5), p95: at(0.95), max: v.length ? (v[v.length - 1] as number) : 0 };
}
