/** drain(): a running job cancelled from another connection ends as cancelled, counted in the drain's result. */
import { defineJob } from '@sluice/core';
import { drain } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { redisUrl, waitFor } from '../helpers.js';
import { producer, streamState } from '../worker/harness.js';

describe('drain and cancel', () => {
  it('aborts the cancelled job (pub/sub, the lease renewal a minute away) and reports cancelled: 1', async () => {
    const s = await producer();
    const started: string[] = [];
    const job = defineJob({
      name: 'drain-long',
      timeout: 20_000,
      handler: async (_p: object, ctx) => {
        started.push(ctx.jobId);
        await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
        throw ctx.signal.reason;
      },
    });
    const { id } = await s.enqueue(job, {});
    const running = drain({
      url: redisUrl(),
      prefix: s.prefix,
      jobs: [job],
      budgetMs: 60_000,
      lease: 180_000,
      logger: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
    });
    await waitFor(() => started.length === 1, 'the job to start');
    // the subscriber may still be connecting: the check after it subscribes covers that
    expect(await s.cancelJob('drain-long', id)).toMatchObject({ done: 'cancel-requested' });
    const r = await running;
    expect(r).toMatchObject({ processed: 1, cancelled: 1, succeeded: 0, retried: 0, dead: 0, stoppedBecause: 'empty' });
    expect(await s.getJob('drain-long', id)).toMatchObject({ state: 'cancelled' });
    expect(await streamState(s, s.keys('drain-long'))).toEqual({ len: 0, pending: 0 });
    await s.close();
  });
});
