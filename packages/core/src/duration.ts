/** Parse and print durations: `500ms`, `10s`, `5m`, `2h`, `1d`, combinations like `1m30s`, or plain milliseconds. */
import { SluiceArgumentError } from './errors.js';

const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Milliseconds in `text`; throws naming `what` (a flag or option) when it is not a duration. */
export function parseDuration(text: string | number, what = 'duration'): number {
  if (typeof text === 'number') {
    if (Number.isFinite(text) && text >= 0) return text;
  } else {
    const s = text.trim();
    if (/^\d+$/.test(s)) return Number(s);
    PART.lastIndex = 0;
    let total = 0;
    let matched = 0;
    for (let m = PART.exec(s); m; m = PART.exec(s)) {
      total += Number(m[1]) * (UNIT[m[2] as string] as number);
      matched = PART.lastIndex;
    }
    if (matched > 0 && matched === s.length) return Math.round(total);
  }
  throw new SluiceArgumentError(`${what} expects a duration like 500ms, 10s or 5m; got ${JSON.stringify(text)}`);
}

/** A short human duration: `850ms`, `12s`, `3m12s`, `2h5m`, `3d4h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}
