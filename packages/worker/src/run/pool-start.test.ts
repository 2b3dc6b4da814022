import { describe, expect, it } from 'vitest';
import type { Held } from './held.js';
import { startWaiting, takeStale } from './pool-start.js';
import { HOLD_MS } from './read-ahead.js';

const held = (name: string, deliveries: number, heldAt: number) =>
  ({ name, heldAt, delivery: { entryId: name, deliveries } }) as unknown as Held;

describe('the pool line', () => {
  it('takeStale hands back fresh deliveries held HOLD_MS or more, never a reclaimed one', () => {
    const fresh = held('a', 1, 0);
    const young = held('b', 1, 50);
    const reclaimed = held('c', 2, 0);
    expect(takeStale([fresh, young, reclaimed], HOLD_MS)).toEqual({ stale: [fresh], rest: [young, reclaimed] });
    expect(takeStale([young], HOLD_MS)).toEqual({ stale: [], rest: [young] });
  });

  it('startWaiting starts in order up to the limit, and per job when limits are given', () => {
    const started: string[] = [];
    const running = new Set<Held>();
    const line = [held('x', 1, 0), held('x', 1, 0), held('y', 1, 0)];
    const rest = startWaiting(
      line,
      running,
      5,
      new Map(),
      (n) => (n === 'x' ? 1 : 5),
      (h) => started.push(h.name),
    );
    expect(started).toEqual(['x', 'y']);
    expect(rest.map((h) => h.name)).toEqual(['x']);
    const other = [held('x', 1, 0), held('y', 1, 0)];
    expect(
      startWaiting(
        other,
        new Set(),
        1,
        undefined,
        () => 0,
        () => {},
      ),
    ).toHaveLength(1);
  });
});
