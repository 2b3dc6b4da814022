/**
 * Budget arithmetic of a drain (pure): how long a job may take (its timeout, or an estimate), and how many
 * entries of a queue to read so that every job started fits the time left before the safety margin.
 */
import type { AnyJob } from '@sluice/core';

/** The time a job may take: its `timeout`, else `estimateMs`. */
export const jobCost = (job: Pick<AnyJob, 'timeout'> | undefined, estimateMs: number): number =>
  job?.timeout ?? estimateMs;

/** The time a job may take and where that figure comes from (for reports). */
export const jobCostOf = (
  job: Pick<AnyJob, 'timeout'> | undefined,
  estimateMs: number,
): { costMs: number; costFrom: 'timeout' | 'estimate' } => ({
  costMs: jobCost(job, estimateMs),
  costFrom: job?.timeout === undefined ? 'estimate' : 'timeout',
});

/** The cheapest and dearest job of a queue (`estimateMs` for a queue this drain has no job for). */
export interface QueueCost {
  min: number;
  max: number;
}

/** Cost range of the jobs of `queue` among `jobs`. */
export function queueCost(jobs: Iterable<AnyJob>, queue: string, estimateMs: number): QueueCost {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const j of jobs) {
    if (j.queue !== queue) continue;
    const c = jobCost(j, estimateMs);
    min = Math.min(min, c);
    max = Math.max(max, c);
  }
  return min === Number.POSITIVE_INFINITY ? { min: estimateMs, max: estimateMs } : { min, max };
}

/** True when a job of cost `costMs` fits the time left (`leftMs` = budget end minus safety margin minus now). */
export const fits = (costMs: number, leftMs: number): boolean => costMs <= leftMs;

/**
 * Entries of a queue to read now: every free slot when its dearest job fits, one (a probe, handed back if its job
 * does not fit) when only its cheapest does, none when not even that fits.
 */
export function readCount(cost: QueueCost, leftMs: number, free: number): number {
  if (free <= 0 || !fits(cost.min, leftMs)) return 0;
  return fits(cost.max, leftMs) ? free : 1;
}
