/** The results table (markdown), the target checks, and the JSON file. */
import type { BenchArgs } from './args.js';
import type { ImplName } from './impl/types.js';
import { type Results, Results as ResultsClass, type Row } from './results.js';
import { median, spread } from './stats.js';
import type { Target } from './targets.js';

export { type Target, targets } from './targets.js';

const COLUMNS: ReadonlyArray<[ImplName, string]> = [
  ['raw', 'raw loop'],
  ['sluice', 'Sluice'],
  ['sluice-timer', 'Sluice, 5 s cmd timer'],
  ['sluice-metrics', 'Sluice, metrics on'],
  ['sluice-otel', 'Sluice, OTel not sampling'],
  ['sluice-perkey', 'Sluice, per-key concurrency 1 (1,000 keys)'],
  ['sluice-rate', 'Sluice, rate limit 2,000/s'],
  ['sluice-all', 'Sluice, every wave-2 feature on'],
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
