/**
 * Checkers of flow control over the timestamps handlers record (pure, unit-tested in checker.test.ts):
 * - concurrency: the most runs open at once, overall or per key, from [start, end] spans;
 * - rate: the most events (the limiter's grant times: grants.ts) in any sliding window of `periodMs`.
 * Timestamps come from one machine's clock (all workers run on this host). At an equal millisecond an end is
 * counted before a start: a slot is given back before the next run can take it.
 */

/** One handler run: when it started and ended (`end` undefined: its process was killed while it ran). */
export interface Span {
  key: string;
  start: number;
  end: number | undefined;
}

/** The most spans open at once (per `key` when `byKey`), with where it happened. */
export function maxOverlap(
  spans: readonly Span[],
  opts: { byKey?: boolean; killedAt?: number } = {},
): { max: number; key: string; at: number } {
  const groups = new Map<string, Array<[number, number]>>();
  for (const s of spans) {
    const g = opts.byKey ? s.key : '';
    const end = s.end ?? opts.killedAt;
    if (end === undefined) throw new Error(`span of ${s.key} started at ${s.start} has no end and no kill time`);
    const list = groups.get(g) ?? [];
    groups.set(g, list);
    list.push([s.start, 1], [end, -1]);
  }
  let best = { max: 0, key: '', at: 0 };
  for (const [key, events] of groups) {
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    for (const [t, d] of events) {
      open += d;
      if (open > best.max) best = { max: open, key, at: t };
    }
  }
  return best;
}

/** The most of `starts` (e.g. grant times) in any window of `periodMs` (half-open, (t - periodMs, t]). */
export function maxInSlidingWindow(starts: readonly number[], periodMs: number): number {
  const s = [...starts].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while ((s[lo] as number) <= (s[hi] as number) - periodMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
