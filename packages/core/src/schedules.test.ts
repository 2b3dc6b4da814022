import { beforeAll, describe, expect, it } from 'vitest';
import { cronParser, loadCronParser } from './cron-parser.js';
import { nextRun } from './schedules.js';

beforeAll(async () => {
  await loadCronParser();
});

describe('nextRun', () => {
  it('is the next tick in the time zone', () => {
    const after = Date.UTC(2026, 0, 15, 12, 0, 0); // winter: Paris is UTC+1
    expect(nextRun('0 3 * * *', 'Europe/Paris', after)).toBe(Date.UTC(2026, 0, 16, 2, 0, 0));
    expect(nextRun('*/10 * * * * *', 'UTC', after)).toBe(after + 10_000); // six fields: seconds first
  });
  it('names the pattern and zone that do not parse', () => {
    expect(nextRun('not cron', 'UTC', 0)).toEqual({
      error: expect.stringMatching(/^cron "not cron" in "UTC" does not parse/),
    });
    expect(nextRun('* * * * *', 'Mars/Base', 0)).toEqual({ error: expect.stringContaining('"Mars/Base"') });
  });
});

describe('cron-parser, loaded on first use', () => {
  it('loads once and then answers the same parser', async () => {
    const p = await loadCronParser();
    expect(await loadCronParser()).toBe(p);
    expect(cronParser()).toBe(p);
  });
});
