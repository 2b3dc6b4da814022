/**
 * The targets a run checks, on medians: issue 19's performance targets (ratios within the run, so another machine
 * reads them the same way), issue 16's costs of metrics and OpenTelemetry, and the memory baseline.
 */
import type { ImplName } from './impl/types.js';
import type { Results } from './results.js';
import { fmt, median } from './stats.js';

/** One target, checked on medians: undefined when the run did not measure what it needs. */
export interface Target {
  name: string;
  met: boolean | undefined;
  detail: string;
}

const proc = (c: number) => `2. process, concurrency ${c}`;

/** Every target the collected figures can answer (a scenario left out of the run gives "not measured"). */
export function targets(results: Results, concurrencies: number[], rates: number[]): Target[] {
  const med = (s: string, m: string, i: ImplName) => median(results.values(s, m, i));
  const check = (name: string, value: number, limit: number, cmp: '>=' | '<=', detail: string): Target => ({
    name,
    met:
      Number.isFinite(value) && Number.isFinite(limit) ? (cmp === '>=' ? value >= limit : value <= limit) : undefined,
    detail: `${detail}: ${fmt(value)} ${cmp} ${fmt(limit)}`,
  });
  const out: Target[] = [];
  // issue 19: processing against BullMQ at the same concurrency, and against the raw loop at the top one
  const wanted: Record<number, number> = { 1: 2, 10: 3, 100: 7 };
  for (const c of concurrencies) {
    const times = wanted[c];
    if (times === undefined) continue;
    const s = med(proc(c), 'throughput', 'sluice');
    const b = med(proc(c), 'throughput', 'bullmq');
    out.push(check(`processing >= ${times}x BullMQ at c=${c}`, s, times * b, '>=', `jobs/s vs ${times} x BullMQ`));
  }
  const top = Math.max(...concurrencies);
  const sTop = med(proc(top), 'throughput', 'sluice');
  out.push(
    check(`processing >= 75% raw at c=${top}`, sTop, 0.75 * med(proc(top), 'throughput', 'raw'), '>=', 'jobs/s'),
  );
  const batch = '1. enqueue, batches of 1000';
  out.push(
    check(
      'enqueueMany >= 85% raw pipelined XADD',
      med(batch, 'throughput', 'sluice'),
      0.85 * med(batch, 'throughput', 'raw'),
      '>=',
      'jobs/s',
    ),
  );
  const rate = rates.includes(200) ? 200 : rates[0];
  const lat = `3. latency at ${rate} jobs/s`;
  out.push(check(`latency p50 at ${rate}/s <= 0.2 ms`, med(lat, 'p50', 'sluice'), 0.2, '<=', 'ms'));
  out.push(check(`latency p99 at ${rate}/s <= 1.0 ms`, med(lat, 'p99', 'sluice'), 1.0, '<=', 'ms'));
  const cpu = med(proc(top), 'Redis CPU per job', 'sluice');
  out.push(check(`Redis CPU per processed job <= 4 us at c=${top}`, cpu, 4, '<=', 'us'));
  const idle = results.rows.find((r) => r.scenario.startsWith('5.'))?.scenario ?? '5.';
  out.push(check('idle worker <= 0.1 commands/s', med(idle, 'commands/s', 'sluice'), 0.1, '<=', 'cmd/s'));
  const idleAll = med(idle, 'commands/s', 'sluice-all');
  out.push(check('idle worker, every wave-2 feature on, <= 0.1 commands/s', idleAll, 0.1, '<=', 'cmd/s'));
  for (const [scenario, label] of [
    ['7. cold start to first job', 'installed'],
    ['7. cold start, esbuild bundle', 'bundled'],
  ] as const) {
    const limit = 0.7 * med(scenario, 'time', 'bullmq');
    out.push(check(`cold start <= 0.7x BullMQ, ${label}`, med(scenario, 'time', 'sluice'), limit, '<=', 'ms'));
    // CPU time to the first job: steadier than wall time on a busy machine (for reference)
    const cpuLimit = 0.7 * med(scenario, 'CPU time', 'bullmq');
    out.push(
      check(`cold start CPU time <= 0.7x BullMQ, ${label}`, med(scenario, 'CPU time', 'sluice'), cpuLimit, '<=', 'ms'),
    );
  }
  // issue 16: the costs of metrics and of OpenTelemetry registered but not sampling, as worker CPU per job (other
  // processes on the machine barely move it) and as throughput
  const cpuOf = (impl: ImplName) => med(proc(top), 'worker CPU per job', impl);
  const sCpu = cpuOf('sluice');
  out.push(check('metrics on: worker CPU per job <= 105% of Sluice', cpuOf('sluice-metrics'), 1.05 * sCpu, '<=', 'us'));
  out.push(
    check('OTel not sampling: worker CPU per job <= 102% of Sluice', cpuOf('sluice-otel'), 1.02 * sCpu, '<=', 'us'),
  );
  const metrics = med(proc(top), 'throughput', 'sluice-metrics');
  out.push(check('metrics on: >= 95% of Sluice', metrics, 0.95 * sTop, '>=', `c=${top} (jobs/s)`));
  const otel = med(proc(top), 'throughput', 'sluice-otel');
  out.push(check('OTel registered, not sampling: >= 98% of Sluice', otel, 0.98 * sTop, '>=', `c=${top} (jobs/s)`));
  const memWorst = Math.max(
    ...concurrencies.map((c) => Math.abs(med(proc(c), 'Redis memory after / before', 'sluice') - 100)),
  );
  out.push(check('Redis memory back to baseline +/- 1%', memWorst, 1, '<=', 'worst |after/before - 100%| (%)'));
  return out;
}
