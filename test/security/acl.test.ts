/**
 * The ACL line of docs/security.md is enough, and exactly enough: a private redis-server gets that user (read
 * from the page, so page and test cannot drift: acl-harness.ts); a worker (success, retry, dead letter, delay,
 * cron, lease renewal, ctx.enqueue), drain, the push dispatcher and every `sluice` command (`sluice metrics`
 * scraped) run under it; then Redis's ACL LOG must hold no refused command or key, except the CONFIG GET the page
 * leaves out on purpose.
 */
import { buildProgram, captureOutput, runCli } from '@sluice/cli';
import { createSluice, defineJob } from '@sluice/core';
import { connectionName } from '@sluice/core/internal';
import { createPushDispatcher, createWorker, drain } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { JOBS_FIXTURE, run, startSluice } from '../cli/cli-helpers.js';
import { handlerServer, recordingJob } from '../drivers/push-harness.js';
import { sleep, waitFor } from '../helpers.js';
import { get } from '../metrics/metrics-helpers.js';
import { deliveredTo, groupCreated } from '../queue-fixtures.js';
import { freePort } from '../redis-server.js';
import { record, startTracked } from '../worker/harness.js';
import { leafCommands, useAclServer } from './acl-harness.js';

const acl = useAclServer();

const quiet = { level: process.env.TEST_LOG_LEVEL ?? 'silent' };

describe('the documented ACL user', () => {
  it('the user is denied what the rule leaves out (the rule is really applied)', async () => {
    const s = await createSluice({ url: acl.url });
    await expect(s.connection.send(['SET', 'other:key', '1'], 'other:key')).rejects.toThrow(/NOPERM/);
    await expect(s.connection.send(['FLUSHALL'])).rejects.toThrow(/NOPERM/);
    await s.close();
    await acl.admin.connection.send(['ACL', 'LOG', 'RESET']);
  });

  it('runs a worker, drain and the push dispatcher: every path of a job', { timeout: 60_000 }, async () => {
    const s = await createSluice({ url: acl.url });
    const done: string[] = [];
    const chained = defineJob({ name: 'chained', handler: () => void done.push('chained') });
    const jobs = [
      defineJob({
        name: 'ok',
        keep: { completed: { count: 10 } },
        handler: async (_p: object, ctx) => {
          await ctx.enqueue(chained, {});
          done.push('ok');
        },
      }),
      defineJob({
        name: 'flaky',
        retry: { attempts: 2, backoff: { type: 'fixed', delay: 20 } },
        handler: () => {
          throw new Error('always fails');
        },
      }),
      // Longer than the lease: the lease keeper renews it (XCLAIM in the renew script).
      defineJob({
        name: 'slow',
        handler: async () => {
          await sleep(900);
          done.push('slow');
        },
      }),
      // Cancelled while running: one through pub/sub (cancelJob), one found by a lease renewal (no message).
      defineJob({
        name: 'cancelme',
        handler: (_p: object, ctx) =>
          new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true })),
      }),
      defineJob({ name: 'tick', schedule: { cron: '* * * * * *' }, handler: () => void done.push('tick') }),
      // flow control: slots taken, queued, handed over and released; rate-limit starts delayed
      defineJob({
        name: 'limited',
        concurrency: { global: 1, perKey: 1, key: () => 'k' },
        rateLimit: { limit: 2, period: 100 },
        handler: async () => {
          await sleep(20);
          done.push('limited');
        },
      }),
      chained,
    ];
    const w = await startTracked(
      await createWorker({ url: acl.url, jobs, lease: 300, blockMs: 200, shutdownGrace: 1000, logger: quiet }),
    );
    const dead = record('job:dead', w);
    await expect(s.waitFor(await s.enqueue('ok', {}, { key: 'once' }))).resolves.toBeNull();
    await s.enqueue('ok', {}, { key: 'once' });
    await s.enqueue('ok', {}, { delay: 50 });
    await s.enqueueMany('flaky', [{}]);
    await s.enqueue('slow', {});
    // a lane: the reclaimer then checks which of the queue's streams hold entries (XREAD)
    await s.enqueue('chained', {}, { priority: 'high' });
    const started = record('job:started', w);
    const cancelled = record('job:cancelled', w);
    const heard = await s.enqueue('cancelme', {});
    const unheard = await s.enqueue('cancelme', {});
    await waitFor(() => started.filter((e) => e.name === 'cancelme').length === 2, 'both cancelme jobs to start');
    expect(await s.cancelJob('cancelme', heard.id)).toMatchObject({ done: 'cancel-requested' });
    await acl.admin.connection.send(['HSET', s.keys('cancelme').cancels, unheard.id, '1']);
    await waitFor(() => cancelled.length === 2, 'both running jobs to be cancelled');
    await s.enqueueMany('limited', [{}, {}, {}]);
    await s.enqueue('ok', {}, { throttle: { key: 't', period: 5000 } });
    await s.enqueue('ok', {}, { throttle: { key: 't', period: 5000 } });
    await s.enqueue('chained', {}, { debounce: { key: 'd', period: 50 } });
    await s.enqueue('chained', {}, { debounce: { key: 'd', period: 50 } });
    await waitFor(
      () =>
        dead.length === 1 &&
        done.filter((d) => d === 'ok').length === 3 &&
        done.filter((d) => d === 'chained').length === 5 &&
        done.filter((d) => d === 'limited').length === 3 &&
        done.includes('slow') &&
        done.includes('tick'),
      'every job path under the ACL user',
      20_000,
    );
    // a pause heard while the queue's reader is blocked ends that read (CLIENT UNBLOCK of its CLIENT ID)
    const reader = ` name=${connectionName(w.consumer, 'ok')} `;
    await waitFor(
      async () =>
        String(await acl.admin.connection.send(['CLIENT', 'LIST']))
          .split('\n')
          .some((l) => l.includes(reader) && /\bflags=\S*b/.test(l)),
      'the reader of ok to block',
    );
    await s.pause('ok');
    await s.resume('ok');
    await s.enqueue('ok', {});
    await waitFor(() => done.filter((d) => d === 'ok').length === 4, 'ok to run after the resume');
    await w.stop();

    await s.enqueue('ok', {});
    const drained = await drain({ url: acl.url, jobs, queues: ['ok', 'chained'], budgetMs: 5000, logger: quiet });
    expect(drained).toMatchObject({ succeeded: 2, dead: 0 });

    const { job, calls } = recordingJob<object>('pushed');
    const srv = await handlerServer({ jobs: [job], secrets: 'k' });
    const d = await startTracked(
      await createPushDispatcher({
        url: acl.url,
        to: srv.url,
        secrets: 'k',
        queues: ['pushed'],
        blockMs: 200,
        logger: quiet,
      }),
    );
    await s.enqueue('pushed', {});
    await waitFor(() => calls.length === 1, 'the push');
    await d.stop();
    await srv.close();

    expect(await s.stats()).toEqual(expect.any(Array));
    expect((await s.history('ok')).points.some((p) => p.completed > 0)).toBe(true);
    const [entry] = await s.dead.list('flaky');
    expect(await s.dead.get('flaky', entry?.deadId ?? '')).not.toBeNull();
    expect(await s.dead.redrive('flaky', { all: true })).toEqual({ moved: 1, notMoved: [] });
    await s.pause('flaky');
    await s.resume('flaky');
    await s.close();
    expect(await acl.refused()).toEqual([]);
  });

  it('runs every sluice command', { timeout: 90_000 }, async () => {
    const g = ['--redis', acl.url];
    const s = await createSluice({ url: acl.url });
    await s.enqueue('flaky', {});
    await s.enqueue('flaky', {});
    const ready = await s.enqueue('ops', {});
    const delayed = await s.enqueue('ops', {}, { delay: 3_600_000 });
    // a running job (held by a consumer) for `job cancel`: a cancel request
    const held = await s.enqueue('held', {});
    await groupCreated(s.connection, s.keys('held'));
    await deliveredTo(s.connection, s.keys('held'), 'acl:1:a', 1);
    const dead = await createWorker({
      url: acl.url,
      jobs: [
        defineJob({ name: 'flaky', retry: { attempts: 1 }, handler: () => Promise.reject(new Error('no')) }),
        // published to the catalogue for `schedule ls|run` (yearly: it never ticks during the test)
        defineJob({ name: 'tick', schedule: { cron: '0 0 1 1 *' }, handler: async () => {} }),
      ],
      queues: ['flaky'],
      logger: quiet,
    });
    const died = record('job:dead', dead);
    await startTracked(dead);
    await waitFor(() => died.length >= 2, 'two dead letters to show and retry');
    await dead.stop();
    const [entry, other] = await s.dead.list('flaky');
    const deadId = entry?.deadId ?? '';
    const deadJob = other?.job.id ?? '';

    const srv = await handlerServer({ jobs: [recordingJob<object>('report').job], secrets: 'k' });
    const inProcess = (args: string[], input?: string) =>
      run(async (io) => {
        const stdin = input === undefined ? {} : { input: (await import('node:stream')).Readable.from([input]) };
        await runCli([...args, ...g], { io, ...stdin });
      });
    const untilDrained = async (args: string[], env: Record<string, string>) => {
      await s.enqueue('report', {});
      const p = startSluice([...args, '--log-level', 'warn', ...g], { env });
      await waitFor(
        async () => (await s.stats('report'))[0]?.ready === 0 && (await s.stats('report'))[0]?.running === 0,
        `${args[1]} to run the job`,
        20_000,
      );
      p.child.kill('SIGTERM');
      return p.done;
    };
    const commands: Record<string, () => Promise<{ code: number | null }>> = {
      enqueue: async () => {
        await inProcess(['enqueue', 'report', '{}', '--key', 'k1', '--queue', 'report']);
        return inProcess(['enqueue', 'report', '--ndjson', '--queue', 'report'], '{}\n{}\n');
      },
      'queue stats': () => inProcess(['queue', 'stats', '--json']),
      'queue list': () => inProcess(['queue', 'list']),
      'queue pause': () => inProcess(['queue', 'pause', 'report']),
      'queue resume': () => inProcess(['queue', 'resume', 'report']),
      'job show': () => inProcess(['job', 'show', 'ops', ready.id]),
      'job ls': () => inProcess(['job', 'ls', 'ops', '--state', 'delayed']),
      'job promote': () => inProcess(['job', 'promote', 'ops', delayed.id]),
      'job cancel': () => inProcess(['job', 'cancel', 'held', held.id]),
      'job delete': () => inProcess(['job', 'delete', 'ops', ready.id]),
      'job retry': () => inProcess(['job', 'retry', 'flaky', deadJob]),
      'queue empty': () => inProcess(['queue', 'empty', 'ops', '--yes']),
      'queue delete': () => inProcess(['queue', 'delete', 'ops', '--yes']),
      'worker ls': () => inProcess(['worker', 'ls']),
      'schedule ls': () => inProcess(['schedule', 'ls']),
      'schedule run': () => inProcess(['schedule', 'run', 'tick', 'tick']),
      'dead list': () => inProcess(['dead', 'list', 'flaky']),
      'dead show': () => inProcess(['dead', 'show', 'flaky', deadId]),
      'dead redrive': () => inProcess(['dead', 'redrive', 'flaky', deadId]),
      'dead purge': () => inProcess(['dead', 'purge', 'flaky', '--yes']),
      metrics: async () => {
        const port = await freePort();
        const p = startSluice(['metrics', '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn', ...g]);
        await waitFor(async () => (await get(port, '/readyz')).status === 200, 'sluice metrics to be ready', 20_000);
        expect((await get(port, '/metrics')).body).toMatch(/^sluice_queue_ready\{queue="report"\} \d+$/m);
        p.child.kill('SIGINT');
        return p.done;
      },
      dashboard: async () => {
        const port = await freePort();
        const token = 'acl-dashboard-token-0123456789';
        const p = startSluice(['dashboard', '--port', String(port), '--token-env', 'DASH_TOKEN', ...g], {
          env: { DASH_TOKEN: token },
        });
        const api = (path: string) =>
          fetch(`http://127.0.0.1:${port}/api/${path}`, { headers: { authorization: `Bearer ${token}` } }).catch(
            () => null,
          );
        await waitFor(async () => (await api('overview'))?.status === 200, 'sluice dashboard to answer', 20_000);
        for (const path of ['session', 'queues/ops/history?range=day', 'queues/ops/jobs?state=delayed']) {
          expect((await api(path))?.status, path).toBe(200);
        }
        p.child.kill('SIGINT');
        return p.done;
      },
      'worker drain': () => inProcess(['worker', 'drain', JOBS_FIXTURE, '--budget', '3s']),
      'worker start': () => untilDrained(['worker', 'start', JOBS_FIXTURE], {}),
      'worker push': () =>
        untilDrained(['worker', 'push', '--to', srv.url, '--secret-env', 'PUSH_SECRET', '--queue', 'report'], {
          PUSH_SECRET: 'k',
        }),
    };
    expect(Object.keys(commands).sort()).toEqual(leafCommands(buildProgram({ io: captureOutput() })).sort());
    for (const [name, runIt] of Object.entries(commands)) {
      const r = await runIt();
      expect({ name, code: r.code }).toEqual({ name, code: 0 });
    }
    await srv.close();
    const waiting = await createSluice({ url: acl.url, replicaAcks: { replicas: 0, timeoutMs: 10 } });
    await waiting.enqueue('report', {});
    await waiting.close();
    await s.close();
    expect(await acl.refused()).toEqual([]);
  });

  it('lists only commands Sluice sent: every one in the rule was called (INFO commandstats)', async () => {
    const info = String(await acl.admin.connection.send(['INFO', 'commandstats']));
    const called = new Set([...info.matchAll(/^cmdstat_([a-z|-]+):calls=(\d+)/gm)].map((m) => m[1] as string));
    const allowed = acl
      .ruleFromDocs()
      .filter((a) => a.startsWith('+'))
      .map((a) => a.slice(1));
    expect(allowed.filter((c) => !called.has(c))).toEqual([]);
  });
});
