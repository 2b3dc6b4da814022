import { decodeDeadEntry } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { deadDetail, deadTable } from './commands/dead.js';
import { queueJson, statsTable } from './commands/stats.js';
import { age, captureOutput, plural, table, truncate } from './output.js';
import { queueStats } from './stats.fixture.js';

const q = (over: Parameters<typeof queueStats>[0] = {}) => queueJson(queueStats(over));

describe('table', () => {
  it('pads columns to the widest cell, right-aligns numbers, trims trailing space', () => {
    const lines = table(
      [{ header: 'NAME' }, { header: 'N', align: 'right' }, { header: 'NOTE' }],
      [
        ['a', '1', ''],
        ['longer-name', '12345', 'x'],
      ],
    );
    expect(lines).toEqual(['NAME             N  NOTE', 'a                1', 'longer-name  12345  x']);
  });
});

describe('durations and text', () => {
  it('humanises ages like 3m12s and shows - for none', () => {
    expect(age(192_000)).toBe('3m12s');
    expect(age(850)).toBe('850ms');
    expect(age(7_500_000)).toBe('2h5m');
    expect(age(null)).toBe('-');
  });
  it('truncates on one line with an ellipsis', () => {
    expect(truncate('a\nb   c', 10)).toBe('a b c');
    expect(truncate('abcdefghijkl', 5)).toBe('abcd…');
  });
  it('pluralises', () => {
    expect(plural(1, 'job')).toBe('1 job');
    expect(plural(0, 'job')).toBe('0 jobs');
  });
  it('captures lines', () => {
    const io = captureOutput();
    io.out('a');
    io.err('b');
    expect([io.stdout, io.stderr]).toEqual([['a'], ['b']]);
  });
});

describe('stats table', () => {
  it('adds the flow-control columns only when a queue has flow-control outcomes', () => {
    const flow = { queued: 7, delayed: 3, skipped: 5, debounced: 4, throttled: 1 };
    const lines = statsTable([q({ queue: 'crm', flow }), q({ queue: 'mail' })]);
    expect(lines[0]).toMatch(/PAUSED {2}QUEUED {2}RATE DELAYED {2}SKIPPED$/);
    expect(lines[1]?.split(/\s+/).slice(-4)).toEqual(['no', '7', '3', '5']);
    expect(lines[2]?.split(/\s+/).slice(-4)).toEqual(['no', '0', '0', '0']);
    expect(statsTable([q({ queue: 'mail' })])[0]).toMatch(/PAUSED$/);
  });
  it('shows every figure, aligned, with humanised ages', () => {
    const lines = statsTable([
      q({ queue: 'emails', ready: 1200, running: 3, delayed: 40, dead: 2, oldestReadyAgeMs: 192_000 }),
      q({
        queue: 'reports',
        running: 1,
        oldestRunningIdleMs: 4_200,
        paused: true,
        consumers: [{ name: 'h:1:a', pending: 1, idleMs: 10 }],
        workers: 1,
      }),
    ]);
    expect(lines).toEqual([
      'QUEUE    READY  RUNNING  DELAYED  DEAD  WORKERS  OLDEST READY  OLDEST RUNNING  PAUSED',
      'emails    1200        3       40     2        0         3m12s               -  no',
      'reports      0        1        0     0        1             -              4s  yes',
    ]);
  });
  it('keeps the JSON shape to the documented fields', () => {
    const extra = { ...q(), surprise: 1 } as Parameters<typeof queueJson>[0];
    expect(Object.keys(queueJson(extra))).toEqual([
      'queue',
      'ready',
      'running',
      'delayed',
      'dead',
      'paused',
      'oldestReadyAgeMs',
      'oldestRunningIdleMs',
      'consumers',
      'workers',
      'flow',
    ]);
  });
});

describe('dead-letter output', () => {
  // an entry as an earlier version wrote it (decoded like any other)
  const entry = decodeDeadEntry({
    id: '1732400000000-0',
    fields: {
      id: 'job-1',
      name: 'send-email',
      data: '{"to":"ada@example.com"}',
      attempts: '3',
      reason: 'attempts',
      error: 'SMTP said no\nsecond line',
      stack: 'Error: SMTP said no\n    at x',
      deadAt: '1732400000000',
    },
  });
  it('lists entries with their age and a one-line error', () => {
    const lines = deadTable([entry], 1732400000000 + 192_000);
    expect(lines[0]).toMatch(/^DEAD ID\s+JOB ID\s+NAME\s+ATTEMPTS\s+REASON\s+AGE\s+ERROR$/);
    expect(lines[1]).toMatch(
      /^1732400000000-0\s+job-1\s+send-email\s+3\s+attempts\s+3m12s\s+SMTP said no second line$/,
    );
  });
  it('shows every field, the payload pretty-printed and the stack last', () => {
    const lines = deadDetail(entry);
    expect(lines[0]).toBe('deadId    1732400000000-0');
    expect(lines).toContain('deadAt    2024-11-23T22:13:20.000Z (1732400000000)');
    expect(lines.slice(-7)).toEqual([
      'data:',
      '  {',
      '    "to": "ada@example.com"',
      '  }',
      'stack:',
      '  Error: SMTP said no',
      '      at x',
    ]);
  });
});
