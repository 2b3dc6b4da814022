import { describe, expect, it } from 'vitest';
import { ago, clip, count, duration, prettyJson } from './format.js';
import { href, parseRoute } from './router.js';

describe('format', () => {
  it('formats counts and durations for dense tables', () => {
    expect(count(1234567)).toBe('1,234,567');
    expect(count(null)).toBe('—');
    expect(duration(850)).toBe('850ms');
    expect(duration(12_400)).toBe('12s');
    expect(duration(200_000)).toBe('3m 20s');
    expect(duration(5 * 3600_000 + 2 * 60_000)).toBe('5h 02m');
    expect(duration(2 * 86400_000 + 4 * 3600_000)).toBe('2d 4h');
    expect(ago(1000, 61_000)).toBe('1m 00s ago');
    expect(ago(13_000, 1000)).toBe('in 12s');
    expect(ago(1040, 1000)).toBe('just now');
  });
  it('indents JSON payloads and keeps other text as is', () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('<img src=x>')).toBe('<img src=x>');
    expect(clip('a\n  b', 10)).toBe('a b');
    expect(clip('abcdefghij', 5)).toBe('abcd…');
  });
});

describe('routes', () => {
  it('parses every page, with encoded queue names and ids', () => {
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('#/workers')).toEqual({ page: 'workers' });
    const q = parseRoute('#/queues/a%2Fb?state=dead&search=x%20y');
    expect(q.page === 'queue' && [q.queue, q.params.get('state'), q.params.get('search')]).toEqual([
      'a/b',
      'dead',
      'x y',
    ]);
    expect(parseRoute('#/queues/q/jobs/j%231')).toEqual({ page: 'job', queue: 'q', id: 'j#1' });
    expect(parseRoute('#/queues/q/dead')).toEqual({ page: 'dead', queue: 'q' });
    expect(parseRoute('#/nope').page).toBe('not-found');
  });
  it('builds links that parse back', () => {
    const link = href('queues', 'a/b?', 'jobs', 'id 1');
    expect(link).toBe('#/queues/a%2Fb%3F/jobs/id%201');
    expect(parseRoute(link)).toEqual({ page: 'job', queue: 'a/b?', id: 'id 1' });
    expect(href('queues', 'q', { state: 'dead', search: '' })).toBe('#/queues/q?state=dead');
  });
});

describe('action outcomes', () => {
  it('says what a job action did', async () => {
    const { outcomeText } = await import('./pages/queue-actions.js');
    expect(outcomeText('moved')).toBe('moved');
    expect(outcomeText({ done: 'removed', from: 'delayed' })).toBe('removed from delayed');
    expect(outcomeText({ done: 'cancel-requested', consumer: 'w1' })).toBe('cancel requested from w1');
    expect(outcomeText({ entryId: '1-0' })).toBe('moved to ready');
    expect(outcomeText(null)).toBe('done');
  });
});
