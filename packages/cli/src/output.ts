/**
 * Output of the CLI: a line sink (so tests capture output), aligned tables, humanised durations, JSON. Every
 * sink writes lines through {@link terminalSafe}: text that came from Redis (names, error texts, payloads) may be
 * hostile, and no control character of it reaches the terminal (core's escapeControl is the one escape).
 */
import { escapeControl, formatDuration } from '@sluice/core/internal';

/**
 * `text` with every control character escaped except the line breaks of a multi-line write (help text, pretty
 * JSON); a single value that may hold a line break (a name, a table cell) goes through core's escapeControl.
 */
export function terminalSafe(text: string): string {
  return text.includes('\n') ? text.split('\n').map(escapeControl).join('\n') : escapeControl(text);
}

/** Where a command writes: one call per line, without the newline. */
export interface Output {
  /** A line of data or result (stdout). */
  out(line: string): void;
  /** A line of diagnostics: warnings, threshold breaches, errors (stderr). */
  err(line: string): void;
  /** Clear the screen before a new `--watch` frame (optional; only on a terminal). */
  clear?(): void;
}

/** The sink of the real process: stdout and stderr; `clear` only when stdout is a terminal. */
export function processOutput(): Output {
  const o: Output = {
    out: (line) => process.stdout.write(`${terminalSafe(line)}\n`),
    err: (line) => process.stderr.write(`${terminalSafe(line)}\n`),
  };
  if (process.stdout.isTTY) o.clear = () => process.stdout.write('\x1b[2J\x1b[H');
  return o;
}

/** A sink that keeps every line (tests, and anything that wants the output as data). */
export interface CapturedOutput extends Output {
  /** Lines written with `out`. */
  readonly stdout: string[];
  /** Lines written with `err`. */
  readonly stderr: string[];
}

/** A new {@link CapturedOutput}. */
export function captureOutput(): CapturedOutput {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(terminalSafe(l)), err: (l) => stderr.push(terminalSafe(l)) };
}

/** Alignment of a table column. */
export type Align = 'left' | 'right';

/** A column of {@link table}: its header and alignment (default left). */
export interface Column {
  /** Header text. */
  header: string;
  /** Alignment of the cells (default `left`; numbers read best `right`). */
  align?: Align;
}

/**
 * Lines of a table: a header row, then one row per entry, columns padded to align, two spaces apart. Cells are
 * escaped (a line break in a cell cannot fake a row).
 */
export function table(columns: readonly Column[], raw: readonly (readonly string[])[]): string[] {
  const rows = raw.map((r) => r.map(escapeControl));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const w = widths[i] ?? 0;
        return c.align === 'right' ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}

/** A duration for a table cell: `3m12s`, or `-` when there is none. */
export function age(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : formatDuration(ms);
}

/** Pretty JSON (two spaces), as printed by `--json`. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** `text` cut to `max` characters with an ellipsis, on one line. */
export function truncate(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 1))}…`;
}

/** "1 job" / "3 jobs". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
