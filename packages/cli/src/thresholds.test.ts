import { describe, expect, it } from 'vitest';
import { ExitError } from './errors.js';
import { queueStats } from './stats.fixture.js';
import { evaluateThresholds, formatBreach, hasThresholds, parseThresholds } from './thresholds.js';

describe('thresholds', () => {
  it('parses counts and durations', () => {
    expect(parseThresholds({ maxReady: '1000', maxDead: 0, maxAge: '5m' })).toEqual({
      maxReady: 1000,
      maxDead: 0,
      maxAgeMs: 300_000,
    });
    expect(hasThresholds(parseThresholds({}))).toBe(false);
  });
  it('names the flag of a bad value', () => {
    expect(() => parseThresholds({ maxReady: 'lots' })).toThrow(/--max-ready expects a whole number >= 0; got "lots"/);
    expect(() => parseThresholds({ maxRunning: '-1' })).toThrow(/--max-running/);
    expect(() => parseThresholds({ maxAge: 'soon' })).toThrow(
      /--max-age expects a duration like 500ms, 10s or 5m; got "soon"/,
    );
    expect(() => parseThresholds({ maxDelayed: '1.5' })).toThrow(ExitError);
  });
  it('reports each figure over its limit, and nothing at the limit', () => {
    const t = parseThresholds({ maxReady: 10, maxRunning: 2, maxDelayed: 5, maxDead: 0, maxAge: '1m' });
    const breaches = evaluateThresholds(
      [
        queueStats({ queue: 'emails', ready: 11, running: 2, delayed: 6, dead: 1, oldestReadyAgeMs: 192_000 }),
        queueStats({ queue: 'ok', ready: 10, running: 2, delayed: 5, oldestReadyAgeMs: 60_000 }),
      ],
      t,
    );
    expect(breaches.map(formatBreach)).toEqual([
      'queue emails: ready 11 exceeds --max-ready 10',
      'queue emails: delayed 6 exceeds --max-delayed 5',
      'queue emails: dead 1 exceeds --max-dead 0',
      'queue emails: oldest ready job is 3m12s old, exceeds --max-age 1m',
    ]);
    expect(breaches[0]).toEqual({ queue: 'emails', figure: 'ready', value: 11, limit: 10, flag: '--max-ready' });
  });
  it('ignores age when nothing is ready', () => {
    expect(evaluateThresholds([queueStats({ oldestReadyAgeMs: null })], { maxAgeMs: 0 })).toEqual([]);
  });
});
