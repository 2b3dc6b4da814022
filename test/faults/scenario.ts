/** Shared bits of the scenario tests: the short/full sizing, a progress logger and the standard assertions. */
import { expect } from 'vitest';
import type { RunResult } from './harness.js';

/** FAULT_FULL=1: the long version. FAULT_JOBS / FAULT_SECONDS override the size of a run. */
export const FULL = process.env.FAULT_FULL === '1';

/** Jobs and seconds of faults of a run, with the short defaults given. */
export function size(shortJobs: number, shortSeconds: number): { jobs: number; faultMs: number } {
  const jobs = Number(process.env.FAULT_JOBS ?? (FULL ? 10_000 : shortJobs));
  const seconds = Number(process.env.FAULT_SECONDS ?? (FULL ? 60 : shortSeconds));
  return { jobs, faultMs: seconds * 1000 };
}

/** Progress lines on stderr when FAULT_VERBOSE=1. */
export const log = (line: string): void => {
  if (process.env.FAULT_VERBOSE === '1') process.stderr.write(`${line}\n`);
};

/** One line per run for the test output: the figures the checker computed. */
export function summary(name: string, r: RunResult): string {
  const rep = r.report;
  const rec = r.faults.map((f) => f.recoveredMs).filter((x): x is number => x !== null);
  return (
    `${name}: ${rep.acked} acked, ${rep.completed} completed, ${rep.dead} dead ${JSON.stringify(rep.deadByReason)}, ` +
    `lost ${rep.lost.length}, duplicates ${rep.duplicates}, ${r.faults.length} faults ` +
    `(recovery max ${rec.length ? Math.max(...rec) : '-'} ms), ${r.enqueueRetries} enqueue retries, ` +
    `${(r.durationMs / 1000).toFixed(1)} s`
  );
}

/** The assertions every scenario makes: nothing lost, reasons on every dead letter, quiescent, no crash. */
export function expectSound(r: RunResult, opts: { faults?: number } = {}): void {
  process.stderr.write(`${summary(expect.getState().currentTestName ?? 'run', r)}\n`);
  expect(r.report.lost, 'acknowledged enqueues neither completed nor dead-lettered').toEqual([]);
  expect(r.report.deadWithoutReason, 'dead letters without a reason').toEqual([]);
  expect(r.report.unexpected, 'jobs nobody enqueued').toEqual([]);
  expect(r.report.quiescence, 'quiescence').toEqual([]);
  expect(
    r.exits.filter((e) => e.kind === 'crash'),
    `worker processes that crashed on their own (logs: ${r.logDir})`,
  ).toEqual([]);
  expect(r.report.acked).toBeGreaterThan(0);
  if (opts.faults !== undefined) expect(r.faults.length).toBeGreaterThanOrEqual(opts.faults);
}
