/** Number, time and JSON formatting of the dashboard. Pure functions (unit-tested in format.test.ts). */

/** `1234567` -> `1,234,567`; null -> `—`. */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

/** A duration in ms as the two largest units: `850ms`, `12s`, `3m 20s`, `5h 02m`, `2d 4h`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const neg = ms < 0;
  let v = Math.abs(ms);
  let out: string;
  if (v < 1000) out = `${Math.round(v)}ms`;
  else if (v < 60_000) out = `${Math.floor(v / 1000)}s`;
  else {
    v = Math.floor(v / 1000);
    const d = Math.floor(v / 86400);
    const h = Math.floor((v % 86400) / 3600);
    const m = Math.floor((v % 3600) / 60);
    const s = v % 60;
    if (d > 0) out = `${d}d ${h}h`;
    else if (h > 0) out = `${h}h ${String(m).padStart(2, '0')}m`;
    else out = `${m}m ${String(s).padStart(2, '0')}s`;
  }
  return neg ? `-${out}` : out;
}

/** How long ago epoch ms `t` was, from `now`: `3m 20s ago`, `in 12s` for a time ahead, `just now` within 1 s. */
export function ago(t: number | null | undefined, now = Date.now()): string {
  if (t === null || t === undefined || !Number.isFinite(t)) return '—';
  const d = now - t;
  if (Math.abs(d) < 1000) return 'just now'; // also absorbs a clock a few ms apart from the server's
  return d >= 0 ? `${duration(d)} ago` : `in ${duration(-d)}`;
}

/** Epoch ms as a local date-time `2026-11-24 14:03:05`; null -> `—`. */
export function when(t: number | null | undefined): string {
  if (t === null || t === undefined || !Number.isFinite(t)) return '—';
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A payload (JSON text) indented for reading; text that is not JSON is returned as is. */
export function prettyJson(text: string): string {
  if (text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Any value as indented JSON (for results and progress). */
export function pretty(v: unknown): string {
  if (typeof v === 'string') return prettyJson(v);
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    return String(v);
  }
}

/** At most `max` characters of `s` on one line, with `…` when cut. */
export function clip(s: string, max = 120): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The first line of an error message. */
export const firstLine = (s: string): string => s.split('\n')[0] ?? '';
