import { defineJob } from '@sluice/core';
import { loadCronParser } from '@sluice/core/internal';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCron, dueAction, latestDueTick, nextTick, planSchedules, tickTtl } from './cron-scheduler.js';

// checkCron and the tick helpers are sync: planSchedules and listSchedules load cron-parser first, as this does
beforeAll(async () => {
  await loadCronParser();
});

const T = Date.UTC(2026, 0, 1, 12, 0, 0); // an injected "now": 2026-01-01T12:00:00Z

describe('cron validation', () => {
  it('accepts 5 and 6 fields and @aliases', () => {
    expect(() => checkCron('a', '*/15 * * * *', 'UTC')).not.toThrow();
    expect(() => checkCron('a', '*/5 * * * * *', 'Europe/Berlin')).not.toThrow();
    expect(() => checkCron('a', '@daily', 'UTC')).not.toThrow();
  });

  it('rejects a wrong field count, naming the job and the field', () => {
    expect(() => checkCron('report', '* * * *', 'UTC')).toThrow(
      /job "report": schedule\.cron must have 5 fields.*got 4/,
    );
    expect(() => checkCron('report', '', 'UTC')).toThrow(/job "report": schedule\.cron must be a cron expression/);
  });

  it('rejects a bad expression with the parser message', () => {
    expect(() => checkCron('report', '61 * * * *', 'UTC')).toThrow(
      /job "report": schedule\.cron "61 \* \* \* \*" is invalid: .*61/,
    );
  });

  it('rejects a bad time zone', () => {
    expect(() => checkCron('report', '* * * * *', 'Mars/Base')).toThrow(
      /job "report": schedule\.tz "Mars\/Base" is not a known IANA time zone/,
    );
  });

  it('planSchedules checks the payload against the schema and defaults tz to UTC', async () => {
    const ok = defineJob({ name: 'ok', schedule: { cron: '0 * * * *', payload: { n: 1 } }, handler: () => {} });
    const plans = await planSchedules([ok]);
    expect(plans).toMatchObject([{ tz: 'UTC', data: '{"n":1}' }]);
    const bad = defineJob({ name: 'bad', schedule: { cron: '0 * * *' }, handler: () => {} });
    await expect(planSchedules([bad])).rejects.toThrow(/job "bad": schedule\.cron/);
  });
});

describe('tick planning (injected time)', () => {
  const every5s = { cron: '*/5 * * * * *', tz: 'UTC' };
  it('next tick is strictly after now', () => {
    expect(nextTick(every5s, T)).toBe(T + 5000);
    expect(nextTick(every5s, T + 1)).toBe(T + 5000);
  });

  it('latest due tick is at or before now', () => {
    expect(latestDueTick(every5s, T)).toBe(T);
    expect(latestDueTick(every5s, T + 4999)).toBe(T);
  });

  it('waits before the planned tick, then enqueues only the latest due tick (no back-fill)', () => {
    expect(dueAction(every5s, T + 5000, T + 1000)).toEqual({ waitMs: 4000 });
    expect(dueAction(every5s, T + 5000, T + 5000)).toEqual({ enqueue: T + 5000 });
    // Woken 17 s late: the ticks at +5 s, +10 s and +15 s are skipped; only the latest due one (+20 s) is enqueued.
    expect(dueAction(every5s, T + 5000, T + 22_000)).toEqual({ enqueue: T + 20_000 });
  });

  it('follows the time zone', () => {
    const berlin = { cron: '30 2 * * *', tz: 'Europe/Berlin' };
    expect(new Date(nextTick(berlin, T)).toISOString()).toBe('2026-01-02T01:30:00.000Z');
  });

  it('keeps the last-tick record for two periods, at least a minute', () => {
    expect(tickTtl(every5s, T)).toBe(60_000);
    expect(tickTtl({ cron: '0 * * * *', tz: 'UTC' }, T)).toBe(7_200_000);
  });
});
