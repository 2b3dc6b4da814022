/** Fault 1: SIGKILL a random worker about every second while jobs run; the supervisor restarts it. */
import { describe, it } from 'vitest';
import { runScenario } from './harness.js';
import { expectSound, log, size } from './scenario.js';

/** `total` jobs (scaled by `size`) while a random worker is SIGKILLed every ~1 s, at least 3 times; `jobMs` as given. */
async function killEverySecond(total: number, jobMs?: [number, number]): Promise<void> {
  const { jobs, faultMs } = size(total, 7);
  const r = await runScenario({
    fsync: 'everysec',
    jobs,
    ...(jobMs ? { jobMs } : {}),
    produceMs: faultMs * 0.8,
    faults: ['kill-worker'],
    faultMs,
    faultEveryMs: 1000,
    minFaults: 3,
    log,
  });
  expectSound(r, { faults: 3 });
}

describe('fault: worker SIGKILL', () => {
  it('loses no acknowledged job when a random worker is killed every ~1 s', () => killEverySecond(800));

  it('loses none of the jobs a killed worker held read-ahead (short jobs: read-ahead on)', () =>
    killEverySecond(2000, [0, 4]));
});
