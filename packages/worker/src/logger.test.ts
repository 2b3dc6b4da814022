import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyAvailable, successLevel } from './logger.js';

const sink = { write: () => undefined };

describe('successLevel', () => {
  it('is debug for JSON output, and undefined when debug is off', () => {
    expect(successLevel(createLogger({ level: 'debug', destination: sink }))).toBe('debug');
    expect(successLevel(createLogger({ level: 'info', destination: sink }).child({ a: 1 }))).toBeUndefined();
    expect(successLevel(pino({ level: 'trace' }, sink))).toBe('debug');
  });

  it('is info for pretty output (and its children), undefined when info is off', () => {
    expect(prettyAvailable()).toBe(true);
    const log = createLogger({ level: 'info', pretty: true });
    expect(successLevel(log)).toBe('info');
    expect(successLevel(log.child({ consumer: 'c' }))).toBe('info');
    expect(successLevel(createLogger({ level: 'warn', pretty: true }))).toBeUndefined();
  });
});
