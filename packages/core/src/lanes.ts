/**
 * Lanes: the streams of a queue besides its default one (keys.ts `Lane`). Priority `high` and `low` jobs and
 * fair-grouped jobs go to their lane; priority `normal` without a group (the default) stays on the default stream
 * with the plain XADD, so a queue that never uses a lane pays nothing. A queue learns its lanes from the `lanes`
 * key the first enqueue into a lane writes (with a `wake` marker on the default stream for blocked workers);
 * workers read it with the pause flag (one MGET), so each learns a new lane within a second of reading.
 */

import type { RedisExecutor } from './connection.js';
import { SluiceArgumentError } from './errors.js';
import { LANES, type Lane, type QueueKeys } from './keys.js';
import { CONTROL_CHARS } from './text.js';

/** A job's priority: a worker starts every ready `high` job before a `normal` one, and `normal` before `low`. */
export type Priority = 'high' | 'normal' | 'low';

/** Every priority, highest first. */
export const PRIORITIES: readonly Priority[] = ['high', 'normal', 'low'];

/** Checks a priority option; `what` names it in the error. */
export function assertPriority(value: unknown, what = 'priority'): asserts value is Priority | undefined {
  if (value !== undefined && !(PRIORITIES as readonly unknown[]).includes(value)) {
    throw new SluiceArgumentError(`${what} must be one of high, normal, low; got ${JSON.stringify(value)}`);
  }
}

const GROUP_KEY = new RegExp(`^[^${CONTROL_CHARS}]{1,200}$`);

/** Checks a fair group key: 1-200 characters without control characters. */
export function assertGroupKey(value: unknown, what = 'group'): asserts value is string {
  if (typeof value !== 'string' || !GROUP_KEY.test(value)) {
    throw new SluiceArgumentError(
      `${what} must be a string of 1-200 characters without control characters; got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
}

/**
 * The lane of a job: `fair` with a group key, else `high`/`low` by priority; undefined = the default stream.
 * A group with a priority other than normal is refused: grouped jobs run at normal priority (docs/flow-control.md).
 */
export function laneOf(priority: Priority | undefined, group: string | undefined): Lane | undefined {
  if (group !== undefined) {
    if (priority !== undefined && priority !== 'normal') {
      throw new SluiceArgumentError(
        `group and priority "${priority}" cannot be combined: grouped jobs run at priority normal`,
      );
    }
    return 'fair';
  }
  return priority === 'high' ? 'high' : priority === 'low' ? 'low' : undefined;
}

/** The priority a lane stands for (`fair` and the default stream: normal). */
export const priorityOfLane = (lane: Lane | undefined): Priority =>
  lane === 'high' ? 'high' : lane === 'low' ? 'low' : 'normal';

/** The lanes in a list of names (unknown names are left out). */
export function parseLanes(names: readonly unknown[]): Lane[] {
  return LANES.filter((l) => names.some((n) => String(n) === l));
}

/**
 * The key sets a worker reads, highest priority first: high, the default stream, fair, low (only the lanes
 * given). With no lane it is just the default key set.
 */
export function readOrder(keys: QueueKeys, lanes: readonly Lane[]): QueueKeys[] {
  const out: QueueKeys[] = [];
  if (lanes.includes('high')) out.push(keys.inLane('high'));
  out.push(keys);
  if (lanes.includes('fair')) out.push(keys.inLane('fair'));
  if (lanes.includes('low')) out.push(keys.inLane('low'));
  return out;
}

/** The lanes in the value of a queue's `lanes` key (comma-separated names; null: none). */
export const lanesOf = (value: unknown): Lane[] =>
  value === null || value === undefined ? [] : parseLanes(String(value).split(','));

/** The lanes `queue` has had jobs in (one GET). */
export async function queueLanes(exec: RedisExecutor, keys: QueueKeys): Promise<Lane[]> {
  return lanesOf(await exec.send(['GET', keys.lanes], keys.lanes));
}

/** Whether the queue is paused and its lanes, in one MGET (what a consumer reads before a read that may block). */
export async function queueFlags(exec: RedisExecutor, keys: QueueKeys): Promise<{ paused: boolean; lanes: Lane[] }> {
  const [paused, lanes] = (await exec.send(['MGET', keys.paused, keys.lanes], keys.paused)) as unknown[];
  return { paused: paused !== null && paused !== undefined, lanes: lanesOf(lanes) };
}
