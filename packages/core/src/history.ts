/**
 * A queue's recent history: jobs completed and attempts failed per minute over the last hour, per 15 minutes over
 * the last day. The ack, retry-later and dead-letter scripts count them in the queue's `history` hash as they run
 * (no extra command per job); this reads it in one HMGET. The hash is two rings of fixed slots (lua-helpers.ts
 * `count_history`): a slot whose stamp is not the minute (or quarter) asked for counts 0.
 */
import type { RedisExecutor } from './connection.js';
import { SluiceArgumentError } from './errors.js';
import { queueKeys } from './keys.js';

/** Which history: the last hour by minute, or the last day by quarter hour. */
export type HistoryRange = 'hour' | 'day';

/** One step of a queue's history. */
export interface HistoryPoint {
  /** Epoch ms the step starts. */
  t: number;
  /** Jobs completed in the step. */
  completed: number;
  /** Failed attempts in the step (retried or dead-lettered). */
  failed: number;
}

/** A queue's history, oldest step first, the current (partial) step last. */
export interface QueueHistory {
  /** Queue name. */
  queue: string;
  /** Length of a step in ms (60 000 for the hour, 900 000 for the day). */
  stepMs: number;
  /** Epoch ms the first step starts. */
  from: number;
  /** One point per step (60 for the hour, 96 for the day); a step with no activity counts 0. */
  points: HistoryPoint[];
}

const RINGS = {
  hour: { prefix: 'm', stepMs: 60_000, slots: 60 },
  day: { prefix: 'q', stepMs: 900_000, slots: 96 },
} as const;

/** The history of `queue` over `range` (default `hour`), by the server's clock. */
export async function queueHistory(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  range: HistoryRange = 'hour',
): Promise<QueueHistory> {
  const ring = RINGS[range];
  if (!ring) throw new SluiceArgumentError(`range must be hour or day; got ${JSON.stringify(range)}`);
  const k = queueKeys(prefix, queue);
  const time = (await exec.send(['TIME'], k.history)) as [string, string];
  const now = Math.floor((Number(time[0]) * 1000) / ring.stepMs);
  const first = now - ring.slots + 1;
  const fields: string[] = [];
  for (let step = first; step <= now; step++) {
    const slot = String(step % ring.slots);
    fields.push(`${ring.prefix}t${slot}`, `${ring.prefix}c${slot}`, `${ring.prefix}f${slot}`);
  }
  const r = (await exec.send(['HMGET', k.history, ...fields], k.history)) as (string | null)[];
  const points: HistoryPoint[] = [];
  for (let i = 0; i < ring.slots; i++) {
    const step = first + i;
    const current = r[3 * i] !== null && r[3 * i] !== undefined && String(r[3 * i]) === String(step);
    points.push({
      t: step * ring.stepMs,
      completed: current ? Number(r[3 * i + 1]) || 0 : 0,
      failed: current ? Number(r[3 * i + 2]) || 0 : 0,
    });
  }
  return { queue, stepMs: ring.stepMs, from: first * ring.stepMs, points };
}
