/** Threshold flags of `queue stats` (`--max-ready` ...) and their evaluation: pure, for CI and alerting. */
import type { QueueStats } from '@sluice/core';
import { age } from './output.js';
import { parseCount, parseDurationFlag } from './parse.js';

/** Limits a queue may not exceed; an absent limit is not checked. */
export interface Thresholds {
  /** Most ready (backlog) jobs. */
  maxReady?: number;
  /** Most running (pending) jobs. */
  maxRunning?: number;
  /** Most delayed jobs. */
  maxDelayed?: number;
  /** Most dead-lettered jobs. */
  maxDead?: number;
  /** Largest age in ms of the oldest ready job. */
  maxAgeMs?: number;
}

/** The raw flag values, as typed (strings) or already numbers. */
export interface ThresholdFlags {
  /** `--max-ready N` (default: unchecked). */
  maxReady?: string | number | undefined;
  /** `--max-running N` (default: unchecked). */
  maxRunning?: string | number | undefined;
  /** `--max-delayed N` (default: unchecked). */
  maxDelayed?: string | number | undefined;
  /** `--max-dead N` (default: unchecked). */
  maxDead?: string | number | undefined;
  /** `--max-age <duration>` (default: unchecked). */
  maxAge?: string | number | undefined;
}

/** One exceeded limit. */
export interface Breach {
  /** Queue name. */
  queue: string;
  /** Which figure: `ready`, `running`, `delayed`, `dead` or `oldestReadyAgeMs`. */
  figure: 'ready' | 'running' | 'delayed' | 'dead' | 'oldestReadyAgeMs';
  /** Its value. */
  value: number;
  /** The limit it exceeded. */
  limit: number;
  /** The flag that set the limit. */
  flag: string;
}

const COUNTS = [
  ['maxReady', 'ready', '--max-ready'],
  ['maxRunning', 'running', '--max-running'],
  ['maxDelayed', 'delayed', '--max-delayed'],
  ['maxDead', 'dead', '--max-dead'],
] as const;

/** Parse the threshold flags; a bad value is a usage error naming its flag. */
export function parseThresholds(flags: ThresholdFlags): Thresholds {
  const t: Thresholds = {};
  for (const [opt, , flag] of COUNTS) {
    const v = flags[opt];
    if (v !== undefined) t[opt] = parseCount(v, flag);
  }
  if (flags.maxAge !== undefined) t.maxAgeMs = parseDurationFlag(flags.maxAge, '--max-age');
  return t;
}

/** True when at least one limit is set. */
export const hasThresholds = (t: Thresholds): boolean => Object.keys(t).length > 0;

/** Every limit exceeded by `stats` (a value equal to its limit is within it). */
export function evaluateThresholds(stats: readonly QueueStats[], t: Thresholds): Breach[] {
  const out: Breach[] = [];
  for (const s of stats) {
    for (const [opt, figure, flag] of COUNTS) {
      const limit = t[opt];
      if (limit !== undefined && s[figure] > limit) out.push({ queue: s.queue, figure, value: s[figure], limit, flag });
    }
    const age = s.oldestReadyAgeMs;
    if (t.maxAgeMs !== undefined && age !== null && age > t.maxAgeMs) {
      out.push({ queue: s.queue, figure: 'oldestReadyAgeMs', value: age, limit: t.maxAgeMs, flag: '--max-age' });
    }
  }
  return out;
}

/** One line for stderr: `queue emails: ready 1200 exceeds --max-ready 1000`. */
export function formatBreach(b: Breach): string {
  if (b.figure === 'oldestReadyAgeMs') {
    return `queue ${b.queue}: oldest ready job is ${age(b.value)} old, exceeds --max-age ${age(b.limit)}`;
  }
  return `queue ${b.queue}: ${b.figure} ${b.value} exceeds ${b.flag} ${b.limit}`;
}
