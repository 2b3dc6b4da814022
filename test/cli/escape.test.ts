/**
 * Text that came from Redis reaches the operator's terminal escaped: a queue name, a job name and an error text
 * holding terminal control sequences (written around Sluice, raw) are printed as visible escapes by the real
 * `sluice` process, in tables, details, lists, JSON and error lines.
 */
import { runCli } from '@sluice/cli';
import { createSluice } from '@sluice/core';
import { hasControlChars } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { rawClient } from '../helpers.js';
import { conn, run, spawnSluice } from './cli-helpers.js';

/** Clear screen, a fake "line", an OSC title, an 8-bit CSI and a right-to-left override. */
const HOSTILE = 'x\x1b[2J\x1b]0;pwned\x07\nFAKE LINE\x9b31m\u202eevil';

async function seedHostile(c: { redis: string; prefix: string }): Promise<string> {
  const s = await createSluice({ url: c.redis, prefix: c.prefix });
  const raw = await rawClient();
  try {
    await s.pause('q');
    await raw.sendCommand(['SADD', `${c.prefix}:queues`, `evil${HOSTILE}`]);
    return String(
      await raw.sendCommand([
        'XADD',
        s.keys('q').dead,
        '*',
        'id',
        'j1',
        'name',
        `job${HOSTILE}`,
        'data',
        JSON.stringify({ note: HOSTILE }),
        'reason',
        'failed',
        'error',
        `boom${HOSTILE}`,
        'stack',
        `Error: boom${HOSTILE}\n    at f (file.js:1:1)`,
      ]),
    );
  } finally {
    await raw.close();
    await s.close();
  }
}

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('control characters never reach the terminal', () => {
  it('dead list, dead show, queue list, their JSON and an error line print them escaped', {
    timeout: 30_000,
  }, async () => {
    const c = conn();
    const deadId = await seedHostile(c);
    const g = ['--redis', c.redis, '--prefix', c.prefix];
    const cli = (...args: string[]) =>
      run(async (io) => {
        await runCli([...args, ...g], { io });
      }).then((r) => ({ code: r.code, stdout: r.stdout.join('\n'), stderr: r.stderr.join('\n') }));
    const runs = [
      await cli('dead', 'list', 'q'),
      // The real process, through bin.ts and its stdout sink.
      await spawnSluice(['dead', 'show', 'q', deadId, ...g], { timeoutMs: 15_000 }),
      await cli('dead', 'show', 'q', deadId, '--json'),
      await cli('queue', 'list'),
      await cli('queue', 'pause', `a${HOSTILE}`),
    ];
    const [list, show, showJson, queues, bad] = runs;
    for (const r of runs) {
      for (const line of lines(r.stdout + r.stderr)) expect(hasControlChars(line)).toBe(false);
      expect(r.stdout + r.stderr).not.toContain('\nFAKE LINE');
    }
    expect(list?.code).toBe(0);
    expect(lines(list?.stdout ?? '')).toHaveLength(2);
    expect(list?.stdout).toContain('jobx\\u001b[2J');
    expect(show?.stdout).toMatch(/^error\s+boomx\\u001b\[2J\\u001b\]0;pwned\\u0007\\nFAKE LINE\\u009b31m\\u202eevil$/m);
    expect(show?.stdout).toContain('  Error: boomx\\u001b[2J');
    expect(JSON.parse(showJson?.stdout ?? '').job.name).toBe(`job${HOSTILE}`);
    expect(queues?.stdout).toContain('evilx\\u001b[2J\\u001b]0;pwned\\u0007\\nFAKE LINE');
    expect(bad?.code).toBe(2);
    expect(lines(bad?.stderr ?? '')).toHaveLength(1);
    expect(bad?.stderr).toMatch(/queue argument must be 1-200 characters without braces, white space or control/);
  });
});
