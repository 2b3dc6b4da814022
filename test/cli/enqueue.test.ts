import { Readable } from 'node:stream';
import { enqueueCommand, queueListCommand, statsCommand } from '@sluice/cli';
import { describe, expect, it } from 'vitest';
import { conn, JOBS_FIXTURE, run } from './cli-helpers.js';

const lines = (...l: string[]) => Readable.from([l.join('\n')]);

async function figures(c: { redis: string; prefix: string }, queue: string) {
  const r = await run((io) => statsCommand({ ...c, queues: [queue], json: true }, io));
  return JSON.parse(r.stdout.join('\n')).queues[0] as { ready: number; delayed: number };
}

describe('sluice enqueue', () => {
  it('prints the job id and writes one ready job', async () => {
    const c = conn();
    const r = await run((io) =>
      enqueueCommand({ ...c, job: 'send-email', queue: 'send-email', payload: '{"to":"ada@example.com"}' }, io),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toHaveLength(1);
    expect(r.stdout[0]).toMatch(/^\d+-\d+$/); // the stream entry id is the job id
    expect(await figures(c, 'send-email')).toMatchObject({ ready: 1, delayed: 0 });
  });

  it('--json prints { id, deduplicated } and --key deduplicates', async () => {
    const c = conn();
    const opts = { ...c, job: 'send-email', queue: 'send-email', payload: '{}', key: 'order-42', json: true };
    const first = JSON.parse((await run((io) => enqueueCommand(opts, io))).stdout.join('\n'));
    const again = await run((io) => enqueueCommand(opts, io));
    expect(first).toEqual({ id: expect.any(String), deduplicated: false });
    expect(JSON.parse(again.stdout.join('\n'))).toEqual({ id: first.id, deduplicated: true });
    expect(await figures(c, 'send-email')).toMatchObject({ ready: 1 });
  });

  it('--delay and --at put the job in the delayed set; --queue picks the queue', async () => {
    const c = conn();
    await run((io) => enqueueCommand({ ...c, job: 'report', queue: 'reports', at: '2999-01-01T00:00:00Z' }, io));
    await run((io) => enqueueCommand({ ...c, job: 'report', queue: 'reports', delay: '10m' }, io));
    expect(await figures(c, 'reports')).toMatchObject({ delayed: 2 });
    expect((await run((io) => queueListCommand(c, io))).stdout).toEqual(['reports']); // nothing on 'report'
  });

  it('--jobs validates the payload against the schema before writing, naming the field', async () => {
    const c = conn();
    const bad = await run((io) =>
      enqueueCommand({ ...c, job: 'send-email', payload: '{"to":"nope"}', jobs: [JOBS_FIXTURE] }, io),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toEqual([expect.stringMatching(/^sluice: invalid payload for job "send-email": to: /)]);
    const good = await run((io) =>
      enqueueCommand({ ...c, job: 'send-email', payload: '{"to":"ada@example.com"}', jobs: [JOBS_FIXTURE] }, io),
    );
    expect(good.code).toBe(0);
    expect(await figures(c, 'emails')).toMatchObject({ ready: 1 }); // the job's own queue
    const unknown = await run((io) => enqueueCommand({ ...c, job: 'nope', jobs: [JOBS_FIXTURE] }, io));
    expect(unknown.stderr[0]).toMatch(/no job named "nope" in the --jobs modules \(found: send-email, report\)/);
    const missing = await run((io) => enqueueCommand({ ...c, job: 'x', jobs: ['./no/such.js'] }, io));
    expect(missing.stderr[0]).toMatch(/^sluice: --jobs: cannot load job module "\.\/no\/such\.js"/);
  });

  it('--ndjson enqueues every line in batches and prints a count', async () => {
    const c = conn();
    const input = lines(...Array.from({ length: 2500 }, (_, i) => JSON.stringify({ to: `u${i}@example.com` })), '');
    const r = await run((io) =>
      enqueueCommand({ ...c, job: 'send-email', queue: 'send-email', ndjson: true, input }, io),
    );
    expect(r.stdout).toEqual(['enqueued 2500 jobs to queue send-email']);
    expect(await figures(c, 'send-email')).toMatchObject({ ready: 2500 });
  });

  it('--ndjson with bad lines reports each with its number and writes nothing', async () => {
    const c = conn();
    const input = lines('{"to":"a@example.com"}', '{oops', '', '{"to":"not-an-email"}', '{"to":"b@example.com"}');
    const r = await run((io) =>
      enqueueCommand({ ...c, job: 'send-email', ndjson: true, jobs: [JOBS_FIXTURE], input }, io),
    );
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(/^line 2: not JSON/);
    expect(r.stderr[1]).toMatch(/^line 4: invalid payload for job "send-email": to: /);
    expect(r.stderr[2]).toBe('sluice: --ndjson: 2 bad lines of 4; nothing was enqueued (fix them and run again)');
    expect((await run((io) => queueListCommand(c, io))).stdout).toEqual([]); // nothing written, no queue added
  });

  it('--ndjson --json prints { count, queue, ids }', async () => {
    const c = conn();
    const r = await run((io) =>
      enqueueCommand(
        { ...c, job: 'report', queue: 'report', ndjson: true, json: true, delay: '1m', input: lines('{}', '{"a":1}') },
        io,
      ),
    );
    expect(JSON.parse(r.stdout.join('\n'))).toEqual({
      count: 2,
      queue: 'report',
      ids: [expect.any(String), expect.any(String)],
    });
    expect(await figures(c, 'report')).toMatchObject({ delayed: 2 });
  });
});
