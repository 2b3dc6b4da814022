/**
 * The per-job counters and histograms, kept as plain numbers per (queue, job) and turned into Prometheus
 * samples only when scraped. An event costs a map lookup and a few additions (prom-client's own Counter and
 * Histogram cost ~0.2-0.5 us per update, a measurable share of a worker's ~18 us per job at full speed).
 * The registry sees ordinary metric objects (name, help, type, get), so it formats them like its own.
 */
import { COUNTERS, DURATION_BUCKETS, type DurationOutcome, HISTOGRAMS } from './names.js';

const BOUNDS = DURATION_BUCKETS;
const OUTCOMES: readonly DurationOutcome[] = ['succeeded', 'retrying', 'dead'];

/** A histogram of one series: counts per bucket (not cumulative; the last is +Inf), sum and count. */
export class Hist {
  readonly counts = new Float64Array(BOUNDS.length + 1);
  sum = 0;
  count = 0;

  /** Record one value in seconds. */
  observe(v: number): void {
    let i = 0;
    while (i < BOUNDS.length && v > (BOUNDS[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += v;
    this.count++;
  }
}

/** Everything counted for one (queue, job). */
export class JobSeries {
  readonly counters: Record<keyof typeof COUNTERS, number> = {
    enqueued: 0,
    completed: 0,
    failed: 0,
    retried: 0,
    deadLettered: 0,
    reclaimed: 0,
    queued: 0,
    rateDelayed: 0,
    cancelled: 0,
  };
  readonly wait = new Hist();
  readonly duration: Partial<Record<DurationOutcome, Hist>> = {};

  constructor(
    readonly queue: string,
    readonly job: string,
  ) {}

  /** The duration histogram of `outcome` (made on first use). */
  durationOf(outcome: DurationOutcome): Hist {
    let h = this.duration[outcome];
    if (!h) {
      h = new Hist();
      this.duration[outcome] = h;
    }
    return h;
  }
}

/** Series by queue, then job name. */
export class JobSeriesTable {
  private readonly byQueue = new Map<string, Map<string, JobSeries>>();
  /** The series of the last get (a worker mostly runs one job name after another): checked first. */
  private last: JobSeries | undefined;

  /** The series of (queue, job), made on first use. */
  get(queue: string, job: string): JobSeries {
    const l = this.last;
    if (l !== undefined && l.job === job && l.queue === queue) return l;
    let jobs = this.byQueue.get(queue);
    if (!jobs) {
      jobs = new Map();
      this.byQueue.set(queue, jobs);
    }
    let s = jobs.get(job);
    if (!s) {
      s = new JobSeries(queue, job);
      jobs.set(job, s);
    }
    this.last = s;
    return s;
  }

  /** Every series. */
  *all(): Iterable<JobSeries> {
    for (const jobs of this.byQueue.values()) yield* jobs.values();
  }
}

/** One sample as prom-client's registry formats it. */
interface Value {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** A metric object the registry can hold: it formats whatever `values()` returns at scrape time. */
function metricOf(name: string, help: string, type: 'counter' | 'histogram', values: () => Value[]) {
  return {
    name,
    help,
    type,
    aggregator: 'sum' as const,
    get: async () => ({ name, help, type, aggregator: 'sum' as const, values: values() }),
    reset: () => {},
  };
}

function histValues(name: string, labels: Record<string, string>, h: Hist, out: Value[]): void {
  let cumulative = 0;
  for (let i = 0; i <= BOUNDS.length; i++) {
    cumulative += h.counts[i] as number;
    const le = i < BOUNDS.length ? (BOUNDS[i] as number) : '+Inf';
    out.push({ value: cumulative, labels: { ...labels, le }, metricName: `${name}_bucket` });
  }
  out.push({ value: h.sum, labels, metricName: `${name}_sum` });
  out.push({ value: h.count, labels, metricName: `${name}_count` });
}

/** The metric objects of `table`: one counter per COUNTERS entry and the two histograms. */
export function seriesMetrics(table: JobSeriesTable) {
  const counters = (Object.keys(COUNTERS) as Array<keyof typeof COUNTERS>).map((key) =>
    metricOf(COUNTERS[key][0], COUNTERS[key][1], 'counter', () =>
      [...table.all()].map((s) => ({ value: s.counters[key], labels: { queue: s.queue, job: s.job } })),
    ),
  );
  const [durationName, durationHelp] = HISTOGRAMS.duration;
  const duration = metricOf(durationName, durationHelp, 'histogram', () => {
    const out: Value[] = [];
    for (const s of table.all())
      for (const outcome of OUTCOMES) {
        const h = s.duration[outcome];
        if (h) histValues(durationName, { queue: s.queue, job: s.job, outcome }, h, out);
      }
    return out;
  });
  const [waitName, waitHelp] = HISTOGRAMS.wait;
  const wait = metricOf(waitName, waitHelp, 'histogram', () => {
    const out: Value[] = [];
    for (const s of table.all())
      if (s.wait.count > 0) histValues(waitName, { queue: s.queue, job: s.job }, s.wait, out);
    return out;
  });
  return [...counters, duration, wait];
}
