/**
 * How the pool (pool.ts) starts waiting deliveries, in line order, while slots and per-job limits allow, and which
 * waiting deliveries it hands back after holding them too long.
 */
import type { Held } from './held.js';
import { HOLD_MS } from './read-ahead.js';

/**
 * Start what the limits allow from the line `w` (per-job limits only when `perName` is given); returns the new line.
 */
export function startWaiting(
  w: Held[],
  running: Set<Held>,
  max: number,
  perName: Map<string, number> | undefined,
  limitOf: (name: string) => number,
  start: (h: Held) => void,
): Held[] {
  if (!perName) {
    startInOrder(w, running, max, start);
    return w;
  }
  return startWithinLimits(w, running, max, perName, limitOf, start);
}

/**
 * The fresh deliveries (first delivery) of the line `w` held {@link HOLD_MS} or more at monotonic ms `now`, and the
 * line without them. A reclaimed delivery stays: it waits for a slot, ahead of new reads.
 */
export function takeStale(w: readonly Held[], now: number): { stale: Held[]; rest: Held[] } {
  const stale: Held[] = [];
  const rest: Held[] = [];
  for (const h of w) (h.delivery.deliveries === 1 && now - h.heldAt >= HOLD_MS ? stale : rest).push(h);
  return { stale, rest };
}

/**
 * No per-job limits: start the first deliveries of `w` while `running` has fewer than `max` (no array per pass).
 * `w` is the pool's line itself: a re-entrant submit appends to it, and the splice keeps what was added.
 */
export function startInOrder(w: Held[], running: Set<Held>, max: number, start: (h: Held) => void): void {
  let i = 0;
  while (i < w.length && running.size < max) {
    const h = w[i++] as Held;
    running.add(h);
    start(h);
  }
  // usually every waiting delivery started: no splice call
  if (i === w.length) w.length = 0;
  else if (i > 0) w.splice(0, i);
}

/**
 * Some job has its own `concurrency` (`limitOf`): a delivery over its job's limit keeps its place in line.
 * Returns the new line (`w` itself when nothing started).
 */
export function startWithinLimits(
  w: Held[],
  running: Set<Held>,
  max: number,
  perName: Map<string, number>,
  limitOf: (name: string) => number,
  start: (h: Held) => void,
): Held[] {
  const kept: Held[] = [];
  let i = 0;
  for (; i < w.length && running.size < max; i++) {
    const h = w[i] as Held;
    if ((perName.get(h.name) ?? 0) >= limitOf(h.name)) kept.push(h);
    else {
      running.add(h);
      perName.set(h.name, (perName.get(h.name) ?? 0) + 1);
      start(h);
    }
  }
  return i === 0 ? w : i >= w.length ? kept : kept.concat(w.slice(i));
}
