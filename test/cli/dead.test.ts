import {
  deadListCommand,
  deadPurgeCommand,
  deadRedriveCommand,
  deadShowCommand,
  type StatsReport,
  statsCommand,
} from '@sluice/cli';
import { createSluice } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { conn, run, seedDead, spawnSluice } from './cli-helpers.js';

type C = ReturnType<typeof conn>;

async function figures(c: C, queue: string) {
  const r = await run((io) => statsCommand({ ...c, queues: [queue], json: true }, io));
  return (JSON.parse(r.stdout.join('\n')) as StatsReport).queues[0];
}

describe('sluice dead', () => {
  it('lists the newest entries as a table or JSON, up to --limit', async () => {
    const c = conn();
    const ids = await seedDead(c, 'emails', 3);
    const r = await run((io) => deadListCommand({ ...c, queue: 'emails', limit: '2' }, io));
    expect(r.stdout[0]).toMatch(/^DEAD ID\s+JOB ID\s+NAME\s+ATTEMPTS\s+REASON\s+AGE\s+ERROR$/);
    expect(r.stdout).toHaveLength(3);
    expect(r.stdout[1]).toMatch(
      new RegExp(`^${ids[2]}\\s+\\S+\\s+send-email\\s+3\\s+failed\\s+\\d+m?s\\s+SMTP said no$`),
    );
    const json = JSON.parse(
      (await run((io) => deadListCommand({ ...c, queue: 'emails', json: true }, io))).stdout.join(''),
    );
    expect(json.map((d: { deadId: string }) => d.deadId)).toEqual([...ids].reverse());
    expect(json[0]).toMatchObject({
      job: { name: 'send-email', attempt: 1 },
      reason: 'failed',
      error: 'SMTP said no',
      attempts: 3,
      redrivable: true,
    });
  });

  it('shows one entry; exit 1 when it does not exist', async () => {
    const c = conn();
    const [id] = await seedDead(c, 'emails', 1);
    const r = await run((io) => deadShowCommand({ ...c, queue: 'emails', id: id as string }, io));
    expect(r.stdout[0]).toBe(`deadId         ${id}`);
    expect(r.stdout).toContain('data:');
    expect(r.stdout).toContain('    "to": "user0@example.com"');
    expect(r.stdout).toContain('  Error: SMTP said no');
    const json = JSON.parse(
      (await run((io) => deadShowCommand({ ...c, queue: 'emails', id: id as string, json: true }, io))).stdout.join(''),
    );
    expect(json).toMatchObject({ deadId: id, reason: 'failed', job: { name: 'send-email' } });
    const missing = await run((io) => deadShowCommand({ ...c, queue: 'emails', id: '1-0' }, io));
    expect([missing.code, missing.stderr]).toEqual([1, ['sluice: no dead-letter entry 1-0 in queue emails']]);
  });

  it('redrives by id and --all --limit, with attempts reset', async () => {
    const c = conn();
    const ids = await seedDead(c, 'emails', 5);
    const one = await run((io) => deadRedriveCommand({ ...c, queue: 'emails', ids: [ids[0] as string, '1-0'] }, io));
    expect(one.stdout).toEqual(['redrove 1 job to queue emails']);
    expect(one.stderr).toEqual(['warning: 1 of 2 ids were not in the dead-letter stream']);
    const two = await run((io) => deadRedriveCommand({ ...c, queue: 'emails', all: true, limit: '2', json: true }, io));
    expect(JSON.parse(two.stdout.join(''))).toEqual({ queue: 'emails', redriven: 2, notMoved: [] });
    expect(await figures(c, 'emails')).toMatchObject({ ready: 3, dead: 2 });
    const rest = await run((io) => deadRedriveCommand({ ...c, queue: 'emails', all: true }, io));
    expect(rest.stdout).toEqual(['redrove 2 jobs to queue emails']);
    const sluice = await createSluice({ url: c.redis, prefix: c.prefix });
    const entries = await sluice.streams.xrange(sluice.keys('emails').stream).finally(() => sluice.close());
    expect(entries.map((e) => e.fields.attempt)).toEqual(['1', '1', '1', '1', '1']);
    expect(entries.every((e) => e.fields.error === undefined)).toBe(true);
  });

  it('redrive --all ends with a lost tombstone in the stream: moves the jobs, reports the rest (issue 13 repro)', async () => {
    const c = conn();
    await seedDead(c, 'rq', 2);
    const sluice = await createSluice({ url: c.redis, prefix: c.prefix });
    const k = sluice.keys('rq');
    const tombstone = String(await sluice.connection.send(['XADD', k.dead, '*', 'reason', 'lost', 'entryId', '1-0']));
    await seedDead(c, 'rq', 1);
    const r = await run((io) => deadRedriveCommand({ ...c, queue: 'rq', all: true }, io));
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['redrove 3 jobs to queue rq']);
    expect(r.stderr).toEqual([
      `warning: 1 entry left in the dead-letter stream: no job id, name or payload to redrive (${tombstone} (lost))`,
    ]);
    const json = await run((io) => deadRedriveCommand({ ...c, queue: 'rq', all: true, json: true }, io));
    expect(JSON.parse(json.stdout.join(''))).toEqual({
      queue: 'rq',
      redriven: 0,
      notMoved: [{ deadId: tombstone, why: 'not-a-job', reason: 'lost' }],
    });
    const byId = await sluice.dead.redrive('rq', { ids: [tombstone] }).finally(() => sluice.close());
    expect(byId).toEqual({ moved: 0, notMoved: [{ deadId: tombstone, why: 'not-a-job' }] });
    expect(await figures(c, 'rq')).toMatchObject({ ready: 3, dead: 1 });
    const bin = await spawnSluice(['dead', 'redrive', 'rq', '--all', '--redis', c.redis, '--prefix', c.prefix]);
    expect([bin.code, bin.stdout.trim()]).toEqual([0, 'redrove 0 jobs to queue rq']);
    expect(bin.stderr).toMatch(/1 entry left in the dead-letter stream/);
  });

  it('redrive --all --limit counts jobs moved, not entries read', async () => {
    const c = conn();
    const sluice = await createSluice({ url: c.redis, prefix: c.prefix });
    try {
      const k = sluice.keys('lim');
      const lost = String(await sluice.connection.send(['XADD', k.dead, '*', 'reason', 'lost', 'entryId', '1-0']));
      const ids = await seedDead(c, 'lim', 3);
      expect(await sluice.dead.redrive('lim', { all: true, limit: 2 })).toEqual({
        moved: 2,
        notMoved: [{ deadId: lost, why: 'not-a-job', reason: 'lost' }],
      });
      expect((await sluice.dead.list('lim')).map((d) => d.deadId)).toEqual([ids[2], lost]);
    } finally {
      await sluice.close();
    }
  });

  it('refuses an unknown queue, naming the argument', async () => {
    const c = conn();
    await seedDead(c, 'emails', 1);
    const r = await run((io) => deadRedriveCommand({ ...c, queue: 'emails2', all: true }, io));
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      `sluice: queue argument: no queue named "emails2" under prefix "${c.prefix}" (known queues: emails)`,
    ]);
  });

  it('purges only with --yes, honouring --older-than', async () => {
    const c = conn();
    await seedDead(c, 'emails', 3);
    const refused = await run((io) => deadPurgeCommand({ ...c, queue: 'emails' }, io));
    expect(refused.code).toBe(2);
    expect(refused.stderr[0]).toMatch(/add --yes to confirm/);
    const recent = await run((io) => deadPurgeCommand({ ...c, queue: 'emails', olderThan: '1h', yes: true }, io));
    expect(recent.stdout).toEqual(['purged 0 dead-lettered jobs from queue emails']);
    const all = await run((io) => deadPurgeCommand({ ...c, queue: 'emails', yes: true, json: true }, io));
    expect(JSON.parse(all.stdout.join(''))).toEqual({ queue: 'emails', purged: 3 });
    expect(await figures(c, 'emails')).toMatchObject({ dead: 0 });
  });
});
