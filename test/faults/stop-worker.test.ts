/**
 * Fault 4: SIGSTOP a worker for longer than the lease, then SIGCONT. Another worker reclaims its jobs; when the
 * frozen one wakes, its renewals and acks are rejected by the fence, and each of its jobs is acknowledged once,
 * by the worker that reclaimed it.
 */
import { describe, expect, it } from 'vitest';
import { sleep } from '../wait.js';
import { FaultRun } from './harness.js';
import { expectSound, log, size } from './scenario.js';

describe('fault: worker frozen (SIGSTOP) past its lease', () => {
  it('rejects the zombie late ack and renew; each job is finished once by the reclaiming worker', async () => {
    const { jobs, faultMs } = size(300, 7);
    const run = await FaultRun.start({ fsync: 'everysec', log });
    try {
      const producing = run.producer.produce(0, jobs, faultMs * 0.8, [100, 300]);
      const stops = [];
      // at least two freezes, then more until faultMs has passed since production began
      const since = Date.now();
      for (let i = 0; i < 20 && (stops.length < 2 || Date.now() - since < faultMs); i++) {
        await sleep(800); // pacing between faults
        stops.push(await run.inject.stopWorker());
      }
      await producing;
      await run.observe.quiesce();
      const r = await run.finish();
      expectSound(r, { faults: 2 });
      let checked = 0;
      for (const s of stops) {
        const heldEntries = new Set(s.held.keys());
        const oks = r.records.filter((l) => l.t === 'ok' && heldEntries.has(l.entry));
        const zombieLeaseLost = r.records.filter(
          (l) => l.t === 'lease-lost' && l.file === s.pid && heldEntries.has(l.entry),
        );
        for (const entry of heldEntries) {
          const acks = oks.filter((l) => l.t === 'ok' && l.entry === entry);
          expect(
            acks.map((a) => a.file).filter((pid) => pid === s.pid),
            `zombie ${s.pid} acked ${entry}`,
          ).toEqual([]);
          expect(acks, `accepted acks of ${entry} (held by the frozen ${s.pid})`).toHaveLength(1);
          checked++;
        }
        if (heldEntries.size > 0) expect(zombieLeaseLost.length, `lease-lost events of ${s.pid}`).toBeGreaterThan(0);
        expect(s.rec.recoveredMs, 'jobs taken over before SIGCONT').not.toBeNull();
      }
      expect(checked, 'jobs held by frozen workers').toBeGreaterThan(0);
    } finally {
      await run.close();
    }
  });
});
