/** Small statistics: median, min-max, percentiles, and number formatting for the tables. */

/** Median of `xs` (NaN when empty). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The `p`-th percentile (0-100) of sorted `sorted`, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** p50, p99 and max of latency samples in ms. */
export function latencySummary(samples: readonly number[]): { p50: number; p99: number; max: number; n: number } {
  const s = Float64Array.from(samples).sort();
  const arr = Array.from(s);
  return { p50: percentile(arr, 50), p99: percentile(arr, 99), max: arr.at(-1) ?? Number.NaN, n: arr.length };
}

/** A figure with about three significant digits (`162.7k` from 10,000 up). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const abs = Math.abs(x);
  if (abs >= 10_000) return `${(x / 1000).toFixed(1)}k`;
  if (abs >= 1000) return x.toFixed(0);
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

/** `median (min–max)` of the samples; `digits` fixes the decimals (default: {@link fmt}). */
export function spread(xs: readonly number[], digits?: number): string {
  const f = (x: number) => (digits === undefined ? fmt(x) : x.toFixed(digits));
  if (xs.length === 0) return 'n/a';
  if (xs.length === 1) return f(xs[0] as number);
  return `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}
