import { describe, expect, it } from 'vitest';
import { resolveWorkerOptions } from './commands/worker.js';
import { assertRedisUrl, resolveRedisUrl } from './connect.js';
import { EXIT, ExitError, exitCodeOf, formatError } from './errors.js';
import { captureOutput } from './output.js';
import { parseJson, parseTime } from './parse.js';
import { runCli } from './program.js';

/** Run the program on argv without Redis (every case fails or finishes before connecting). */
async function run(...argv: string[]) {
  const io = captureOutput();
  try {
    await runCli(argv, { io });
    return { code: 0, ...io };
  } catch (e) {
    const line = formatError(e);
    if (line) io.err(line);
    return { code: exitCodeOf(e), ...io };
  }
}

describe('argument errors name the flag or argument (exit 2, before connecting)', () => {
  it.each([
    [['enqueue', 'send-email', '{bad'], /payload-json argument expects JSON/],
    [['enqueue', 'send-email', '--delay', 'soon'], /--delay expects a duration like 500ms, 10s or 5m; got "soon"/],
    [['enqueue', 'send-email', '--at', 'tomorrow'], /--at expects an ISO time/],
    [['enqueue', 'send-email', '--delay', '1s', '--at', '2030-01-01T00:00:00Z'], /either --delay or --at/],
    [['enqueue', 'send-email', '--queue', 'has space'], /--queue must be 1-200 characters/],
    [['enqueue', 'x', '{}', '--ndjson'], /either a payload-json argument or --ndjson/],
    [['enqueue', 'x', '--ndjson', '--key', 'k'], /--key is per job/],
    [['enqueue', 'x', '--priority', 'urgent'], /--priority must be one of high, normal, low; got "urgent"/],
    [['enqueue', 'x', '--group', ''], /--group must be a string of 1-200 characters/],
    [['queue', 'stats', '--max-ready', 'many'], /--max-ready expects a whole number/],
    [['queue', 'stats', '--max-age', '5 minutes'], /--max-age expects a duration/],
    [['queue', 'stats', '--watch', 'often'], /--watch expects a duration/],
    [['dead', 'list', 'emails', '--limit', '0'], /--limit expects a whole number >= 1/],
    [['dead', 'show', 'emails', 'not-an-id'], /id argument expects a dead-letter entry id/],
    [['dead', 'redrive', 'emails'], /needs entry ids .* or --all/],
    [['dead', 'redrive', 'emails', '1-0', '--all'], /either entry ids or --all/],
    [['dead', 'redrive', 'emails', '1-0', '--limit', '3'], /--limit applies only with --all/],
    [['dead', 'purge', 'emails'], /add --yes to confirm/],
    [['dead', 'purge', 'emails', '--older-than', 'old', '--yes'], /--older-than expects a duration/],
    [['queue', 'stats', '--redis', 'localhost:6379'], /--redis expects a URL like redis:\/\/127.0.0.1:6379/],
    [['queue', 'list', '--prefix', 'a{b}'], /--prefix must be/],
    [['worker', 'start', 'jobs.js', '--concurrency', '0'], /--concurrency expects a whole number >= 1/],
    [['worker', 'start', 'jobs.js', '--log-level', 'loud'], /--log-level expects one of trace, debug/],
  ])('%j', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(message);
    expect(r.stdout).toEqual([]);
  });

  it('commander usage errors exit 2 with its own one line', async () => {
    const r = await run('queue', 'pause');
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toEqual(["sluice: missing required argument 'queue'"]);
    expect((await run('enqueue', 'x', '--nope')).stderr[0]).toMatch(/unknown option '--nope'/);
  });

  it('--help and --version exit 0', async () => {
    const help = await run('dead', 'redrive', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout.join('\n')).toMatch(/Examples:\n {2}\$ sluice dead redrive emails/);
    expect((await run('--version')).stdout).toEqual(['0.1.0']);
  });

  it('every command has examples in its help', async () => {
    const commands = [
      ['enqueue'],
      ['queue', 'stats'],
      ['queue', 'list'],
      ['queue', 'pause'],
      ['queue', 'resume'],
      ['dead', 'list'],
      ['dead', 'show'],
      ['dead', 'redrive'],
      ['dead', 'purge'],
      ['worker', 'start'],
    ];
    for (const c of commands) expect((await run(...c, '--help')).stdout.join('\n'), c.join(' ')).toMatch(/Examples:/);
  });
});

describe('helpers', () => {
  it('picks the Redis URL: --redis, SLUICE_REDIS_URL, REDIS_URL, default', () => {
    const env = { SLUICE_REDIS_URL: 'redis://s:1', REDIS_URL: 'redis://r:1' };
    expect(resolveRedisUrl({ redis: 'redis://flag:1', env })).toBe('redis://flag:1');
    expect(resolveRedisUrl({ env })).toBe('redis://s:1');
    expect(resolveRedisUrl({ env: { REDIS_URL: 'redis://r:1' } })).toBe('redis://r:1');
    expect(resolveRedisUrl({ env: {} })).toBe('redis://127.0.0.1:6379');
  });
  it('redacts the password of a bad URL', () => {
    expect(() => assertRedisUrl('http://u:secret@h')).toThrow(/http:\/\/u:\*\*\*@h/);
  });
  it('formats errors as one line, with the stack only when verbose', () => {
    const e = new Error('boom\nmore');
    expect(formatError(e)).toBe('sluice: boom');
    expect(formatError(e, true)).toMatch(/^sluice: boom\nError: boom\nmore\n\s+at /);
    expect(formatError(new ExitError('', 1))).toBe('');
    expect(exitCodeOf(new ExitError('x', 1))).toBe(1);
    expect(exitCodeOf(new Error('x'))).toBe(2);
  });
  it('parses JSON and times or names the argument', () => {
    expect(parseJson('{"a":1}', 'payload')).toEqual({ a: 1 });
    expect(parseTime('2030-01-01T00:00:00Z', '--at')).toBe(Date.UTC(2030, 0, 1));
    expect(() => parseTime('1700000000', '--at')).toThrow(/--at/);
  });
  it('resolves worker flags', () => {
    const r = resolveWorkerOptions({ modules: ['j.js'], lease: '1m', grace: '10s', concurrency: '5', env: {} });
    expect(r).toMatchObject({
      leaseMs: 60_000,
      graceMs: 10_000,
      concurrency: 5,
      target: { url: 'redis://127.0.0.1:6379' },
    });
    expect(() => resolveWorkerOptions({ modules: ['j.js'], lease: '10ms' })).toThrow(/--lease expects at least 1s/);
    expect(resolveWorkerOptions({ modules: ['j.js'], readAhead: '0', env: {} }).readAhead).toBe(0);
    expect(resolveWorkerOptions({ modules: ['j.js'], env: {} }).readAhead).toBeUndefined();
    expect(() => resolveWorkerOptions({ modules: ['j.js'], readAhead: '-1', env: {} })).toThrow(/--read-ahead/);
  });
});
