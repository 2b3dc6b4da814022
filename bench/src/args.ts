/** Command-line options of `pnpm bench`. */
import { ALL_IMPLS } from './impl/types.js';

/** Every scenario, by the number the issue gives it. */
export const SCENARIOS = ['enqueue', 'process', 'latency', 'idle', 'cold', 'flow'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Options of one bench run. */
export interface BenchArgs {
  /** Repetitions of every scenario (interleaved: raw, sluice, bullmq, then again in a rotated order). */
  reps: number;
  /** Jobs per enqueue and processing run. */
  jobs: number;
  /** Concurrencies of the processing scenario. */
  concurrency: number[];
  /** Steady producer rates (jobs/s) of the latency scenario. */
  rates: number[];
  /** Seconds each latency run lasts (after its warm-up second). */
  latencySeconds: number;
  /** Seconds the idle worker is observed. */
  idleSeconds: number;
  /** Cold starts per implementation per repetition. */
  coldRuns: number;
  /** Cold starts with Node's module compile cache (NODE_COMPILE_CACHE, Node >= 22.1) for every implementation. */
  coldCompileCache: boolean;
  /** Scenarios to run. */
  only: ScenarioName[];
  /** Implementations of the processing scenario (default all; e.g. `sluice,sluice-metrics,sluice-otel`). */
  impls: string[] | undefined;
  /** Where the JSON results go. */
  out: string;
  /** The whole command line, for the report. */
  command: string;
}

const HELP = `pnpm bench [--quick] [--reps N] [--jobs N] [--concurrency 1,10,100] [--rates 200,2000]
           [--latency-seconds S] [--idle-seconds S] [--cold-runs N] [--only enqueue,process,latency,idle,cold,flow]
           [--impls sluice,sluice-metrics,sluice-otel] [--cold-compile-cache on|off] [--out FILE]
  --impls   only these implementations in the processing scenario (side-by-side costs of one variant)
  --cold-compile-cache on: every cold start (all implementations) runs with NODE_COMPILE_CACHE set to a bench
            directory, warmed by one unrecorded start each (Node >= 22.1; default off)
  --quick   smoke run: 5000 jobs, 1 rep, 2 s latency runs, 5 s idle, 1 cold start each`;

const list = (v: string, what: string): number[] =>
  v.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${what}: expected positive integers, got "${v}"`);
    return n;
  });

/** Parse `argv` (without node and script); throws a one-line message on bad input. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const a: BenchArgs = {
    reps: 3,
    jobs: 100_000,
    concurrency: [1, 10, 100],
    rates: [200, 2000],
    latencySeconds: 10,
    idleSeconds: 30,
    coldRuns: 3,
    coldCompileCache: false,
    only: [...SCENARIOS],
    impls: undefined,
    out: 'results/latest.json',
    command: ['pnpm bench', ...argv.filter((x) => x !== '--')].join(' '),
  };
  const quick = argv.includes('--quick');
  if (quick) Object.assign(a, { reps: 1, jobs: 5000, latencySeconds: 2, idleSeconds: 5, coldRuns: 1 });
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--quick' || flag === '--') continue;
    if (flag === '--help' || flag === '-h') {
      console.log(HELP);
      process.exit(0);
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`${flag} needs a value\n${HELP}`);
    const int = () => list(v, flag)[0] as number;
    if (flag === '--reps') a.reps = int();
    else if (flag === '--jobs') a.jobs = int();
    else if (flag === '--concurrency') a.concurrency = list(v, flag);
    else if (flag === '--rates') a.rates = list(v, flag);
    else if (flag === '--latency-seconds') a.latencySeconds = int();
    else if (flag === '--idle-seconds') a.idleSeconds = int();
    else if (flag === '--cold-runs') a.coldRuns = int();
    else if (flag === '--out') a.out = v;
    else if (flag === '--cold-compile-cache') {
      if (v !== 'on' && v !== 'off') throw new Error(`--cold-compile-cache: expected on or off, got "${v}"`);
      a.coldCompileCache = v === 'on';
    } else if (flag === '--impls') {
      a.impls = v.split(',');
      for (const n of a.impls)
        if (!(ALL_IMPLS as readonly string[]).includes(n))
          throw new Error(`--impls: unknown "${n}" (expected some of ${ALL_IMPLS.join(', ')})`);
    } else if (flag === '--only') {
      const names = v.split(',');
      for (const n of names)
        if (!(SCENARIOS as readonly string[]).includes(n)) throw new Error(`--only: unknown "${n}"`);
      a.only = names as ScenarioName[];
    } else throw new Error(`unknown option ${flag}\n${HELP}`);
  }
  return a;
}
