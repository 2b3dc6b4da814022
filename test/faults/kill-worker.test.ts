/** Fault 1: SIGKILL a random worker about every second while jobs run; the supervisor restarts it. */
import { describe, it } from 'vitest';
import { runScenario } from './harness.js';
import { expectSound, log, size } from './scenario.js';

describe('fault: worker SIGKILL', () => {
  it('loses no acknowledged job when a random worker is killed every ~1 s', async () => {
    const { jobs, faultMs } = size(800, 7);
    const r = await runScenario({
      fsync: 'everysec',
      jobs,
      produceMs: faultMs * 0.8,
      faults: ['kill-worker'],
      faultMs,
      faultEveryMs: 1000,
      minFaults: 3,
      log,
    });
    expectSound(r, { faults: 3 });
  });

  it('loses none of the jobs a killed worker held read-ahead (short jobs: read-ahead on)', async () => {
    const { jobs, faultMs } = size(2000, 7);
    const r = await runScenario({
      fsync: 'everysec',
      jobs,
      jobMs: [0, 4],
      produceMs: faultMs * 0.8,
      faults: ['kill-worker'],
      faultMs,
      faultEveryMs: 1000,
      minFaults: 3,
      log,
    });
    expectSound(r, { faults: 3 });
  });
});
