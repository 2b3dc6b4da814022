import { enqueueCommand, queueListCommand, queuePauseCommand, queueResumeCommand, statsCommand } from '@sluice/cli';
import { describe, expect, it } from 'vitest';
import { conn, run } from './cli-helpers.js';

describe('sluice queue list / pause / resume', () => {
  it('lists known queues, sorted, as text or JSON', async () => {
    const c = conn();
    expect((await run((io) => queueListCommand(c, io))).stderr[0]).toMatch(/no queues yet/);
    for (const job of ['b-job', 'a-job']) await run((io) => enqueueCommand({ ...c, job, queue: job }, io));
    expect((await run((io) => queueListCommand(c, io))).stdout).toEqual(['a-job', 'b-job']);
    expect(JSON.parse((await run((io) => queueListCommand({ ...c, json: true }, io))).stdout.join(''))).toEqual([
      'a-job',
      'b-job',
    ]);
  });

  it('pauses and resumes a queue (stats shows it)', async () => {
    const c = conn();
    await run((io) => enqueueCommand({ ...c, job: 'emails', queue: 'emails' }, io));
    const paused = async () => {
      const r = await run((io) => statsCommand({ ...c, queues: ['emails'], json: true }, io));
      return JSON.parse(r.stdout.join('\n')).queues[0].paused as boolean;
    };
    expect((await run((io) => queuePauseCommand({ ...c, queue: 'emails' }, io))).stdout).toEqual([
      'paused queue emails',
    ]);
    expect(await paused()).toBe(true);
    expect((await run((io) => queueResumeCommand({ ...c, queue: 'emails' }, io))).stdout).toEqual([
      'resumed queue emails',
    ]);
    expect(await paused()).toBe(false);
  });

  it('refuses to pause or resume an unknown queue (exit 2, naming the known ones) and never lists it', async () => {
    const c = conn();
    await run((io) => enqueueCommand({ ...c, job: 'emails', queue: 'emails' }, io));
    for (const cmd of [queuePauseCommand, queueResumeCommand]) {
      const r = await run((io) => cmd({ ...c, queue: 'nosuchq' }, io));
      expect(r.code).toBe(2);
      expect(r.stdout).toEqual([]);
      expect(r.stderr).toEqual([
        `sluice: queue argument: no queue named "nosuchq" under prefix "${c.prefix}" (known queues: emails)`,
      ]);
    }
    expect((await run((io) => queueListCommand(c, io))).stdout).toEqual(['emails']);
  });

  it('names the argument of a bad queue name', async () => {
    const r = await run((io) => queuePauseCommand({ ...conn(), queue: 'a b' }, io));
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(/^sluice: queue argument must be 1-200 characters/);
  });
});
