/**
 * Concurrency slots in the server's order, read from a private Redis's append-only file (grants.ts): who was
 * granted a slot of a priority job and which jobs were waiting for one at that moment. A priority test checks that
 * no low job was granted a slot while a high one waited (flow-start and fc_wake hand a freed slot to the first
 * waiter, high ranks first), not when handlers in worker processes happened to start, which a busy machine
 * reorders. Test-only.
 */

/** Waiting-set scores below this are high waiters: fc_rank scores high `now`, default/fair `now + 2^42`, low `+ 2^43`. */
const LANE_STEP = 2 ** 42;

/** The first grant of one slot member, in the server's order. */
export interface SlotGrant {
  /** The slot member: `h:`/`l:`/`f:` + entry id for a lane's entry, the bare id for the default stream's. */
  member: string;
  lane: 'high' | 'low' | 'fair' | 'default';
  /** High jobs in the waiting set when the slot was granted. */
  highWaiting: number;
  /** Low jobs in the waiting set then. */
  lowWaiting: number;
}

const laneOf = (m: string): SlotGrant['lane'] =>
  m.startsWith('h:') ? 'high' : m.startsWith('l:') ? 'low' : m.startsWith('f:') ? 'fair' : 'default';

/**
 * Walk `commands` (an AOF) and replay the waiting set `waiting` (ZADD [NX], ZPOPMIN, ZREM): every first ZADD of a
 * member to `slots` is a grant, with the high waiters present then. A later ZADD of the same member (flow-start
 * refreshing a live slot) is not a grant.
 */
export function slotGrants(commands: readonly string[][], slots: string, waiting: string): SlotGrant[] {
  const queue = new Map<string, number>();
  const granted = new Set<string>();
  const out: SlotGrant[] = [];
  for (const c of commands) {
    const cmd = c[0]?.toUpperCase();
    if (c[1] === waiting) {
      if (cmd === 'ZADD') {
        let j = 2;
        const nx = /^NX$/i.test(c[j] ?? '');
        while (j < c.length && /^(NX|XX|GT|LT|CH)$/i.test(c[j] as string)) j++;
        for (; j + 1 < c.length; j += 2) {
          const m = c[j + 1] as string;
          if (!nx || !queue.has(m)) queue.set(m, Number(c[j]));
        }
      } else if (cmd === 'ZREM') {
        for (const m of c.slice(2)) queue.delete(m);
      } else if (cmd === 'ZPOPMIN') {
        for (let n = Number(c[2] ?? 1); n > 0 && queue.size > 0; n--) {
          const [first] = [...queue].sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0));
          if (first) queue.delete(first[0]);
        }
      } else if (cmd === 'DEL' || cmd === 'UNLINK') queue.clear();
    } else if (cmd === 'ZADD' && c[1] === slots) {
      let j = 2;
      while (j < c.length && /^(NX|XX|GT|LT|CH)$/i.test(c[j] as string)) j++;
      for (; j + 1 < c.length; j += 2) {
        const m = c[j + 1] as string;
        if (granted.has(m)) continue;
        granted.add(m);
        const scores = [...queue.values()];
        const highWaiting = scores.filter((s) => s < LANE_STEP).length;
        const lowWaiting = scores.filter((s) => s >= 2 * LANE_STEP).length;
        out.push({ member: m, lane: laneOf(m), highWaiting, lowWaiting });
      }
    }
  }
  return out;
}

/** Low grants made while a high job waited (0 when the slots go high first), and the grants of each lane. */
export function priorityInversions(grants: readonly SlotGrant[]): { high: number; low: number; inversions: number } {
  return {
    high: grants.filter((g) => g.lane === 'high').length,
    low: grants.filter((g) => g.lane === 'low').length,
    inversions: grants.filter((g) => g.lane === 'low' && g.highWaiting > 0).length,
  };
}
