/**
 * Checkers of priorities and fair groups: pure functions, unit-tested in flow-checker.test.ts. The fault suite
 * checks the server's order (the writes of its AOF, test/flow/grants.ts `aofCommands`): which entry of which lane
 * stream was delivered first (`firstDeliveries`), and in what order grouped jobs were dispatched onto the fair
 * stream (`appended`). Handler start times (`firstStarts`) are taken in worker processes, so a busy machine can
 * reorder them: one worker stalled after a read lets the others start many later jobs first. A job may be
 * delivered and start more than once (a killed worker's job is reclaimed); each checker looks at the first.
 */

/** One start or dispatch of a job; `at` orders them (a time, or a position in the server's log). */
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

/** Fairness: how many of `big`'s jobs had started (been dispatched) when the last job of `small` did. */
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

/** The first delivery of each entry of every stream, in the server's order. */
export interface Delivered {
  stream: string;
  id: string;
}

const XCLAIM_OPTION = /^(IDLE|TIME|RETRYCOUNT|FORCE|JUSTID|LASTID)$/i;

/**
 * The first delivery of each stream entry among `commands` (an AOF): a read (XREADGROUP, also inside a script)
 * and a reclaim (XAUTOCLAIM) are logged as `XCLAIM <stream> <group> <consumer> <min-idle> <id>... <options>`; a
 * lease renewal's XCLAIM comes after the entry's first delivery, so only the first XCLAIM of an entry counts.
 */
export function firstDeliveries(commands: readonly string[][]): Delivered[] {
  const seen = new Set<string>();
  const out: Delivered[] = [];
  for (const c of commands) {
    if (c[0]?.toUpperCase() !== 'XCLAIM') continue;
    const stream = c[1] as string;
    for (let i = 5; i < c.length && !XCLAIM_OPTION.test(c[i] as string); i++) {
      const key = `${stream} ${c[i]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ stream, id: c[i] as string });
    }
  }
  return out;
}

/** Priorities in the server's order: how many low-lane entries were first delivered before the last high one. */
export function deliveryInversions(
  delivered: readonly Delivered[],
  lane: (stream: string) => 'high' | 'low' | undefined,
): { highs: number; lows: number; lowsBeforeLastHigh: number } {
  const lanes = delivered.map((d) => lane(d.stream));
  const last = lanes.lastIndexOf('high');
  return {
    highs: lanes.filter((l) => l === 'high').length,
    lows: lanes.filter((l) => l === 'low').length,
    lowsBeforeLastHigh: lanes.slice(0, Math.max(0, last)).filter((l) => l === 'low').length,
  };
}

/**
 * The fields of every `XADD <stream> <id> <field> <value>...` among `commands`, in the server's order (a script's
 * XADD is logged with the id it got; the job streams are never written with options such as MAXLEN).
 */
export function appended(commands: readonly string[][], stream: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const c of commands) {
    if (c[0]?.toUpperCase() !== 'XADD' || c[1] !== stream) continue;
    const f: Record<string, string> = {};
    for (let i = 3; i + 1 < c.length; i += 2) f[c[i] as string] = c[i + 1] as string;
    out.push(f);
  }
  return out;
}
