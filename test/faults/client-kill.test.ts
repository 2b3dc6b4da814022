/** Fault 3: CLIENT KILL of every worker connection, the blocked XREADGROUP included, while jobs run. */
import { describe, expect, it } from 'vitest';
import { runScenario } from './harness.js';
import { expectSound, log, size } from './scenario.js';

describe('fault: CLIENT KILL of the workers connections', () => {
  it('workers reconnect (blocked reads included) and lose no job', async () => {
    const { jobs, faultMs } = size(600, 6);
    const r = await runScenario({
      fsync: 'everysec',
      jobs,
      produceMs: faultMs * 0.8,
      faults: ['client-kill'],
      faultMs,
      faultEveryMs: 1000,
      minFaults: 3,
      log,
    });
    expectSound(r, { faults: 3 });
    expect(r.faults.some((f) => /[1-9]\d* of them blocked in XREADGROUP/.test(f.detail))).toBe(true);
  });
});
