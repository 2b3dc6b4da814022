/**
 * Checkers of priorities and fair groups over the start times handlers record (app.ts `start` lines): pure
 * functions, unit-tested in flow-checker.test.ts. A job may start more than once (a killed worker's job is
 * reclaimed); each checker looks at every job's first start.
 */

/** One recorded handler start. */
export interface Start {
  n: number;
  prio?: 'high' | 'low' | undefined;
  tenant?: string | undefined;
  at: number;
}

/** The first start of each job, oldest first. */
export function firstStarts(starts: readonly Start[]): Start[] {
  const first = new Map<number, Start>();
  for (const s of starts) {
    const f = first.get(s.n);
    if (!f || s.at < f.at) first.set(s.n, s);
  }
  return [...first.values()].sort((a, b) => a.at - b.at);
}

/**
 * Priorities over a backlog that was all ready at once: how many low jobs started before the last high job
 * started (docs/flow-control.md: a worker reads a low job only when no high job is undelivered, so only the
 * jobs read in the same instant as the last high ones can start before them: at most the slots of all workers).
 */
export function priorityInversions(starts: readonly Start[]): {
  highs: number;
  lows: number;
  lowsBeforeLastHigh: number;
} {
  const first = firstStarts(starts);
  const highs = first.filter((s) => s.prio === 'high');
  const lows = first.filter((s) => s.prio === 'low');
  const lastHigh = highs.reduce((m, s) => Math.max(m, s.at), Number.NEGATIVE_INFINITY);
  return { highs: highs.length, lows: lows.length, lowsBeforeLastHigh: lows.filter((s) => s.at < lastHigh).length };
}

/** Fairness: how many of `big`'s jobs had started when the last job of `small` started. */
export function fairness(
  starts: readonly Start[],
  small: string,
  big: string,
): { smallJobs: number; bigJobs: number; bigStartedWhenSmallDone: number } {
  const first = firstStarts(starts);
  const smalls = first.filter((s) => s.tenant === small);
  const bigs = first.filter((s) => s.tenant === big);
  const smallDone = smalls.reduce((m, s) => Math.max(m, s.at), Number.NEGATIVE_INFINITY);
  return {
    smallJobs: smalls.length,
    bigJobs: bigs.length,
    bigStartedWhenSmallDone: bigs.filter((s) => s.at <= smallDone).length,
  };
}
