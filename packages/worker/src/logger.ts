/**
 * The worker's root logger: pino JSON lines by default (production), pretty (pino-pretty, a dev dependency)
 * in a terminal when it is installed and NODE_ENV is not `production`, or when asked for. Components and handlers log through children of this one logger.
 */
import { createRequire } from 'node:module';
import { type Logger, pino, stdTimeFunctions } from 'pino';

/** How to build the logger when the caller does not pass a pino instance. */
export interface LoggerSettings {
  /** pino level (default `LOG_LEVEL`, then `info`). */
  level?: string;
  /** Human-readable output through pino-pretty, when installed (default: true in a terminal unless NODE_ENV=production). */
  pretty?: boolean;
  /** Where JSON lines go (default stdout); ignored with `pretty`. */
  destination?: { write(line: string): unknown };
}

/** Set on a logger that writes through pino-pretty; pino's children inherit it (they are `Object.create(parent)`). */
const PRETTY = Symbol('sluice.pretty');

/** True when pino-pretty can be resolved from here. */
export function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** A root logger named `sluice-worker`. */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const opts = {
    name: 'sluice-worker',
    level: settings.level ?? process.env.LOG_LEVEL ?? 'info',
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const inTerminal = process.stdout.isTTY === true && process.env.NODE_ENV !== 'production' && !settings.destination;
  const pretty = settings.pretty ?? inTerminal;
  if (pretty && prettyAvailable()) {
    // the installed pino: its transport runs in a worker thread started from pino's own files, which the copy
    // bundled into the worker's dist (scripts/bundle-dist.mjs) does not have
    const installed = createRequire(import.meta.url)('pino') as typeof pino;
    const log = installed(opts, installed.transport({ target: 'pino-pretty', options: { ignore: 'pid,hostname' } }));
    Object.defineProperty(log, PRETTY, { value: true });
    return log;
  }
  const log = settings.destination ? pino(opts, settings.destination) : pino(opts);
  if (settings.pretty === true)
    log.warn('logger: pretty output asked for but pino-pretty is not installed; writing JSON');
  return log;
}

/**
 * The level of the line each succeeded job logs: `info` in pretty output (a developer at a terminal), else `debug`;
 * undefined when that level is off. Decided once per worker (docs/decisions.md), never per job.
 */
export function successLevel(log: Logger): 'info' | 'debug' | undefined {
  const level = (log as Logger & { [PRETTY]?: boolean })[PRETTY] === true ? 'info' : 'debug';
  return log.isLevelEnabled(level) ? level : undefined;
}

/** `logger` when it is a pino logger, else a new one built from the settings. */
export function resolveLogger(logger: Logger | LoggerSettings | undefined): Logger {
  if (logger && typeof (logger as Logger).child === 'function') return logger as Logger;
  return createLogger(logger as LoggerSettings | undefined);
}
