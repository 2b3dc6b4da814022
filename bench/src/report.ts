/** The results table (markdown), the target checks, and the JSON file. */
import type { BenchArgs } from './args.js';
import type { ImplName } from './impl/types.js';
import { type Results, Results as ResultsClass, type Row } from './results.js';
import { fmt, median, spread } from './stats.js';

const COLUMNS: ReadonlyArray<[ImplName, string]> = [
  ['raw', 'raw loop'],
  ['sluice', 'Sluice'],
  ['sluice-timer', 'Sluice, 5 s cmd timer'],
  ['sluice-metrics', 'Sluice, metrics on'],
  ['sluice-otel', 'Sluice, OTel not sampling'],
  ['sluice-perkey', 'Sluice, per-key concurrency 1 (1,000 keys)'],
  ['sluice-rate', 'Sluice, rate limit 2,000/s'],
  ['bullmq', 'BullMQ'],
];

const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0 ? `${(a / b).toFixed(2)}x` : '';

/** Markdown table: median (min–max) per implementation, and the ratios of medians. */
export function table(results: Results): string {
  const keys: Array<[string, string, string]> = [];
  for (const r of results.rows) {
    if (!keys.some(([s, m]) => s === r.scenario && m === r.metric)) keys.push([r.scenario, r.metric, r.unit]);
  }
  const head = `| scenario | figure | ${COLUMNS.map(([, t]) => t).join(' | ')} | Sluice/BullMQ | Sluice/raw |`;
  const lines = [head, `|${' --- |'.repeat(COLUMNS.length + 4)}`];
  for (const [s, m, unit] of keys) {
    const cells = COLUMNS.map(([impl]) => {
      const v = results.values(s, m, impl);
      return v.length ? spread(v, unit === '%' ? 2 : undefined) : '';
    });
    const med = (impl: ImplName) => median(results.values(s, m, impl));
    const plain = unit === '%' || unit === 'KiB'; // memory deltas: a ratio of two small differences says nothing
    const ratios = plain ? ['', ''] : [ratio(med('sluice'), med('bullmq')), ratio(med('sluice'), med('raw'))];
    lines.push(`| ${s} | ${m} (${unit}) | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** One target of the issue, checked on medians. */
export interface Target {
  name: string;
  met: boolean | undefined;
  detail: string;
}

/** Every target of issue 8 that the collected figures can answer. */
export function targets(results: Results, concurrencies: number[], rates: number[]): Target[] {
  const med = (s: string, m: string, i: ImplName) => median(results.values(s, m, i));
  const check = (name: string, value: number, limit: number, cmp: '>=' | '<=', detail: string): Target => ({
    name,
    met:
      Number.isFinite(value) && Number.isFinite(limit) ? (cmp === '>=' ? value >= limit : value <= limit) : undefined,
    detail: `${detail}: ${fmt(value)} ${cmp} ${fmt(limit)}`,
  });
  const out: Target[] = [];
  const top = Math.max(...concurrencies);
  const proc = (c: number) => `2. process, concurrency ${c}`;
  const bullBest = Math.max(...concurrencies.map((c) => med(proc(c), 'throughput', 'bullmq')).filter(Number.isFinite));
  const sTop = med(proc(top), 'throughput', 'sluice');
  out.push(
    check('processing >= 5x BullMQ best', sTop, 5 * bullBest, '>=', `Sluice c=${top} vs 5 x BullMQ best (jobs/s)`),
  );
  out.push(check('processing >= 55% raw', sTop, 0.55 * med(proc(top), 'throughput', 'raw'), '>=', `c=${top} (jobs/s)`));
  const metrics = med(proc(top), 'throughput', 'sluice-metrics');
  out.push(check('metrics on: >= 95% of Sluice', metrics, 0.95 * sTop, '>=', `c=${top} (jobs/s)`));
  const otel = med(proc(top), 'throughput', 'sluice-otel');
  out.push(check('OTel registered, not sampling: >= 98% of Sluice', otel, 0.98 * sTop, '>=', `c=${top} (jobs/s)`));
  // The same costs as worker CPU per job (noise-resistant: other processes on the machine barely move it).
  const cpuOf = (impl: ImplName) => med(proc(top), 'worker CPU per job', impl);
  const sCpu = cpuOf('sluice');
  out.push(
    check(
      'metrics on: worker CPU per job <= 105% of Sluice',
      cpuOf('sluice-metrics'),
      1.05 * sCpu,
      '<=',
      `c=${top} (us)`,
    ),
  );
  out.push(
    check(
      'OTel not sampling: worker CPU per job <= 102% of Sluice',
      cpuOf('sluice-otel'),
      1.02 * sCpu,
      '<=',
      `c=${top} (us)`,
    ),
  );
  const batch = '1. enqueue, batches of 1000';
  const sBatch = med(batch, 'throughput', 'sluice');
  out.push(
    check('enqueue >= 4x addBulk', sBatch, 4 * med(batch, 'throughput', 'bullmq'), '>=', 'enqueueMany (jobs/s)'),
  );
  out.push(
    check('enqueue >= 50% raw XADD', sBatch, 0.5 * med(batch, 'throughput', 'raw'), '>=', 'enqueueMany (jobs/s)'),
  );
  const lat = `3. latency at ${rates[0]} jobs/s`;
  out.push(check(`latency p50 at ${rates[0]}/s <= 0.6 ms`, med(lat, 'p50', 'sluice'), 0.6, '<=', 'ms'));
  out.push(check(`latency p99 at ${rates[0]}/s <= 2.5 ms`, med(lat, 'p99', 'sluice'), 2.5, '<=', 'ms'));
  const cpu = med(proc(top), 'Redis CPU per job', 'sluice');
  out.push(check('Redis CPU per processed job <= 10 us', cpu, 10, '<=', `c=${top} (us)`));
  const memWorst = Math.max(
    ...concurrencies.map((c) => Math.abs(med(proc(c), 'Redis memory after / before', 'sluice') - 100)),
  );
  out.push(check('Redis memory back to baseline +/- 1%', memWorst, 1, '<=', 'worst |after/before - 100%| (%)'));
  const idle = results.rows.find((r) => r.scenario.startsWith('5.'))?.scenario ?? '5.';
  out.push(check('idle worker <= 0.1 commands/s', med(idle, 'commands/s', 'sluice'), 0.1, '<=', 'cmd/s'));
  const cold = '7. cold start to first job';
  out.push(
    check('cold start <= 0.7x BullMQ', med(cold, 'time', 'sluice'), 0.7 * med(cold, 'time', 'bullmq'), '<=', 'ms'),
  );
  out.push(
    check(
      'cold start CPU time <= 0.7x BullMQ (steadier than wall time on a busy machine; for reference)',
      med(cold, 'CPU time', 'sluice'),
      0.7 * med(cold, 'CPU time', 'bullmq'),
      '<=',
      'ms',
    ),
  );
  const bundled = '7. cold start, esbuild bundle';
  out.push(
    check(
      'cold start <= 0.7x BullMQ, both bundled (not the target, for reference)',
      med(bundled, 'time', 'sluice'),
      0.7 * med(bundled, 'time', 'bullmq'),
      '<=',
      'ms',
    ),
  );
  return out;
}

/** Targets as markdown bullets. */
export function targetLines(ts: Target[]): string {
  return ts
    .map((t) => `- ${t.met === undefined ? 'not measured' : t.met ? 'MET' : 'MISSED'}: ${t.name} (${t.detail})`)
    .join('\n');
}

/** Everything a run records (results/latest.json). */
export interface RunRecord {
  args: BenchArgs;
  minutes: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    platform: string;
    busyBefore: number | undefined;
    busyAfter: number | undefined;
  };
  redis: string;
  versions: Record<string, string>;
  /** Hash of Sluice's core and worker sources at the start and the end of the run, and the git HEAD. */
  sources?: { git: string; before: string; after: string };
  targets: Target[];
  rows: Row[];
  details: Array<Record<string, unknown>>;
  errors: string[];
}

/** The markdown report of a run: command, machine, table, targets, errors. */
export function markdown(r: RunRecord): string {
  const results = new ResultsClass();
  for (const row of r.rows) results.add(row);
  const m = r.machine;
  const busy = [m.busyBefore, m.busyAfter].map((b) => (b === undefined || b === null ? 'n/a' : `${b.toFixed(0)}%`));
  const noisy = Math.max(m.busyBefore ?? 0, m.busyAfter ?? 0) > 10;
  const v = r.versions;
  return [
    `Command: \`${r.args.command}\` (${r.minutes.toFixed(1)} min)`,
    `Machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node}; redis-server ${r.redis}; ` +
      `bullmq ${v.bullmq}, ioredis ${v.ioredis}, @redis/client ${v['@redis/client']}`,
    r.sources
      ? `Sluice sources: git ${r.sources.git}, core+worker src hash ${r.sources.before}` +
        (r.sources.after === r.sources.before
          ? ''
          : ` at the start, ${r.sources.after} at the end (WARNING: edited mid-run)`)
      : 'Sluice sources: not recorded',
    `Jobs per run: ${r.args.jobs}; repetitions: ${r.args.reps}; cells are median (min–max) over the repetitions.`,
    `CPU busy apart from the bench (3 s while it was idle): ${busy[0]} before, ${busy[1]} after.` +
      (noisy ? ' WARNING: other processes were using the CPU; figures are noisy, run again on an idle machine.' : ''),
    '',
    table(results),
    '',
    'Targets (medians of this run):',
    targetLines(r.targets),
    ...(r.errors.length ? ['', 'Errors:', ...r.errors.map((e) => `- ${e}`)] : []),
  ].join('\n');
}
