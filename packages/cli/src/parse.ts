/** Parsing of flag and argument values; every error names the flag and what it expects (exit 2). */
import { parseDuration } from '@sluice/core/internal';
import { usageError } from './errors.js';

/** A whole number >= `min` (default 0) from a flag value; throws naming `flag`. */
export function parseCount(value: string | number, flag: string, min = 0): number {
  const text = String(value).trim();
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw usageError(`${flag} expects a whole number >= ${min}; got ${JSON.stringify(String(value))}`);
  }
  return n;
}

/** A TCP port from a flag value (0 to 65535); throws naming `flag`. */
export function parsePort(value: string | number, flag: string): number {
  const n = parseCount(value, flag, 0);
  if (n > 65_535) throw usageError(`${flag} expects a port from 0 to 65535; got ${JSON.stringify(String(value))}`);
  return n;
}

/** Milliseconds from a duration flag (`500ms`, `10s`, `5m`, `1h30m`); throws naming `flag`. */
export function parseDurationFlag(value: string | number, flag: string): number {
  try {
    return parseDuration(value, flag);
  } catch (e) {
    throw usageError((e as Error).message);
  }
}

/** A JSON value from `text`; throws naming `what` with the parser's reason. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const reason = (e as Error).message.replace(/^JSON\.parse: /, '');
    throw usageError(
      `${what} expects JSON, e.g. '{"to":"a@example.com"}'; got ${JSON.stringify(clip(text))} (${reason})`,
    );
  }
}

/** Epoch ms of an ISO 8601 time (with a date; `Z` or an offset recommended); throws naming `flag`. */
export function parseTime(value: string, flag: string): number {
  const t = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) {
    throw usageError(`${flag} expects an ISO time like 2026-01-31T09:00:00Z; got ${JSON.stringify(value)}`);
  }
  return t;
}

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);
