/** Fault 5: CLIENT PAUSE WRITE for longer than the lease, while jobs run: duplicates maybe, loss never. */
import { describe, it } from 'vitest';
import { runScenario } from './harness.js';
import { expectSound, log, size } from './scenario.js';

describe('fault: CLIENT PAUSE WRITE longer than the lease', () => {
  it('loses no job when writes are paused for 2.5 leases', async () => {
    const { jobs, faultMs } = size(600, 7);
    const r = await runScenario({
      fsync: 'everysec',
      jobs,
      produceMs: faultMs * 0.8,
      faults: ['pause-writes'],
      faultMs,
      faultEveryMs: 1000,
      minFaults: 2,
      log,
    });
    expectSound(r, { faults: 2 });
  });
});
