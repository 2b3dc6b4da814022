/**
 * Every fault combined in one run, with poison input mixed in. Short by default (a combined smoke run); with
 * FAULT_FULL=1 it is the full run (FAULT_JOBS, default 10000; FAULT_SECONDS of faults, default 60; FAULT_FSYNC,
 * default everysec) and writes its figures as JSON to FAULT_REPORT when set (scripts/faults-full.sh).
 */
import { writeFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { summarize } from './checker.js';
import { type FaultKind, type PoisonKind, runScenario } from './harness.js';
import { expectSound, FULL, log, size } from './scenario.js';

/** Every kind in the first five (the short run), then SIGKILL every other fault (the full run). */
const CYCLE: FaultKind[] = [
  'kill-worker',
  'kill-redis',
  'client-kill',
  'stop-worker',
  'pause-writes',
  'kill-worker',
  'kill-worker',
  'kill-worker',
];
const POISON: PoisonKind[] = ['bad-json', 'bad-schema', 'oversized-api', 'oversized-raw', 'malformed', 'exit'];

describe(FULL ? 'full fault run' : 'combined faults (short)', () => {
  it('loses no acknowledged job with every fault combined', async () => {
    const { jobs, faultMs } = size(1000, 12);
    const fsync = process.env.FAULT_FSYNC === 'always' ? 'always' : 'everysec';
    const started = new Date().toISOString();
    const r = await runScenario({
      fsync,
      jobs,
      produceMs: faultMs * 0.9,
      faults: CYCLE,
      faultMs,
      faultEveryMs: 1000,
      minFaults: 5,
      poison: POISON,
      maxDeliveries: 5,
      quiesceMs: 120_000,
      log,
    });
    const byKind: Record<string, { count: number; recoveryMs: ReturnType<typeof summarize> }> = {};
    for (const kind of new Set(r.faults.map((f) => f.kind))) {
      const fs = r.faults.filter((f) => f.kind === kind);
      byKind[kind] = { count: fs.length, recoveryMs: summarize(fs.map((f) => f.recoveredMs)) };
    }
    const figures = {
      started,
      fsync,
      jobs,
      faultSeconds: faultMs / 1000,
      durationSeconds: r.durationMs / 1000,
      acked: r.report.acked,
      completed: r.report.completed,
      lost: r.report.lost.length,
      executions: r.report.executions,
      duplicates: r.report.duplicates,
      maxExecutionsOfOneJob: r.report.maxExecutionsOfOneJob,
      dead: r.report.dead,
      deadByReason: r.report.deadByReason,
      deadDetails: r.deadDetails,
      rejectedAtEnqueue: r.rejected,
      recovered: r.report.recovered.length,
      enqueueRetries: r.enqueueRetries,
      faults: byKind,
      workerExits: r.exits.reduce<Record<string, number>>((m, e) => {
        m[e.kind] = (m[e.kind] ?? 0) + 1;
        return m;
      }, {}),
      quiescence: r.report.quiescence,
      faultLog: r.faults,
    };
    if (process.env.FAULT_REPORT) writeFileSync(process.env.FAULT_REPORT, `${JSON.stringify(figures, null, 2)}\n`);
    log(JSON.stringify({ ...figures, faultLog: undefined, deadDetails: undefined }, null, 2));
    expectSound(r, { faults: 5 });
    for (const kind of new Set(CYCLE)) {
      if (!byKind[kind]) throw new Error(`fault ${kind} was never injected`);
    }
  });
});
