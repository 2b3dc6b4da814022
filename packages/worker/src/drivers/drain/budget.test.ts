import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { fits, jobCost, queueCost, readCount } from './budget.js';
import { defaultSafetyMs } from './drain.js';

const fast = defineJob({ name: 'fast', queue: 'q', timeout: 200, handler: () => {} });
const slow = defineJob({ name: 'slow', queue: 'q', timeout: 5000, handler: () => {} });
const untimed = defineJob({ name: 'untimed', handler: () => {} });

describe('drain budget arithmetic', () => {
  it('a job costs its timeout, else the estimate', () => {
    expect(jobCost(fast, 1000)).toBe(200);
    expect(jobCost(untimed, 1000)).toBe(1000);
    expect(jobCost(undefined, 700)).toBe(700);
  });

  it('cost range of a queue; the estimate for a queue without jobs', () => {
    expect(queueCost([fast, slow, untimed], 'q', 1000)).toEqual({ min: 200, max: 5000 });
    expect(queueCost([fast, slow, untimed], 'untimed', 1000)).toEqual({ min: 1000, max: 1000 });
    expect(queueCost([fast], 'other', 300)).toEqual({ min: 300, max: 300 });
  });

  it('fits: the cost must not exceed the time left (budget end minus safety, minus now)', () => {
    expect(fits(200, 200)).toBe(true);
    expect(fits(201, 200)).toBe(false);
    expect(fits(0, 0)).toBe(true);
  });

  it('reads every free slot when the dearest job fits, one probe when only the cheapest does, none otherwise', () => {
    const cost = { min: 200, max: 5000 };
    expect(readCount(cost, 6000, 8)).toBe(8);
    expect(readCount(cost, 1000, 8)).toBe(1);
    expect(readCount(cost, 150, 8)).toBe(0);
    expect(readCount(cost, 6000, 0)).toBe(0);
  });

  it('default safety margin: 10% of the budget, at most 1 s', () => {
    expect(defaultSafetyMs(25_000)).toBe(1000);
    expect(defaultSafetyMs(2000)).toBe(200);
  });
});
