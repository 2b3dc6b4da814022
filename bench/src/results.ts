/** Collected measurements: one row per (scenario, metric, implementation, repetition). */
import type { ImplName } from './impl/types.js';

/** One measured figure. */
export interface Row {
  /** Table section, e.g. `2. process c=100`. */
  scenario: string;
  metric: string;
  unit: string;
  /** Which direction is better, for the ratios' reading. */
  better: 'higher' | 'lower';
  impl: ImplName;
  rep: number;
  value: number;
}

/** Where rows and per-run details accumulate. */
export class Results {
  readonly rows: Row[] = [];
  /** Per-run extras (command breakdowns, raw numbers) for the JSON file. */
  readonly details: Array<Record<string, unknown>> = [];
  readonly errors: string[] = [];

  add(r: Row): void {
    this.rows.push(r);
  }

  /** Every value of one figure of one implementation. */
  values(scenario: string, metric: string, impl: ImplName): number[] {
    return this.rows
      .filter((r) => r.scenario === scenario && r.metric === metric && r.impl === impl)
      .map((r) => r.value);
  }
}

/** Shared state of a run. */
export interface Ctx {
  url: string;
  results: Results;
  rep: number;
  /** Progress line on stderr. */
  log: (line: string) => void;
}

/** The implementations in the order of repetition `rep`: rotated so no one always runs first. */
export function rotated<T>(xs: readonly T[], rep: number): T[] {
  const k = rep % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}
