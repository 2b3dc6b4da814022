/**
 * Fault 2: kill -9 redis-server mid-run and restart it on the same port and directory (AOF). Workers and the
 * producer reconnect by themselves; every acknowledged enqueue survives. Run with appendfsync everysec and always.
 */
import { describe, it } from 'vitest';
import { runScenario } from './harness.js';
import { expectSound, log, size } from './scenario.js';

describe('fault: redis-server kill -9 and restart (AOF)', () => {
  for (const fsync of ['everysec', 'always'] as const) {
    it(`appendfsync ${fsync}: acknowledged enqueues survive, workers and producer reconnect`, async () => {
      const { jobs, faultMs } = size(600, 7);
      const r = await runScenario({
        fsync,
        jobs,
        produceMs: faultMs * 0.8,
        faults: ['kill-redis'],
        faultMs,
        faultEveryMs: 2500,
        minFaults: 2,
        log,
      });
      expectSound(r, { faults: 2 });
    });
  }
});
