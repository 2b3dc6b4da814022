/**
 * No secret is stored, logged or emitted: a handler error carrying a URL with credentials and a token reaches the
 * dead letter, the retry, the events and the log lines redacted; a push dispatcher refuses a URL with
 * credentials at start.
 */
import { defineJob, SluiceArgumentError } from '@sluice/core';
import { createPushDispatcher } from '@sluice/worker';
import { describe, expect, it } from 'vitest';
import { redisUrl, uniquePrefix, waitFor } from '../helpers.js';
import { deadEntries, producer, record, startWorker } from '../worker/harness.js';

const SECRETS = ['pa/ss', 'd@x', 't0ken', 'hunter2'];
const LEAKY = 'https://ada:pa/ss@d@x.example/hook?token=t0ken&sig=hunter2';

const expectClean = (text: string) => {
  for (const s of SECRETS) expect(text).not.toContain(s);
};

describe('secrets in error texts', () => {
  it('are redacted in the dead letter, the retry and dead events, and every log line', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const lines: string[] = [];
    const job = defineJob({
      name: 'leaky',
      retry: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
      handler: () => {
        throw new Error(`upstream ${LEAKY} refused`);
      },
    });
    const w = await startWorker(prefix, {
      jobs: [job],
      logger: { level: 'debug', destination: { write: (l: string) => void lines.push(l) } },
    });
    const retrying = record('job:retrying', w);
    const dead = record('job:dead', w);
    await s.enqueue(job, {});
    await waitFor(() => dead.length === 1, 'the job to be dead-lettered');
    await w.stop();
    const [entry] = await deadEntries(s, 'leaky');
    expect(entry?.error).toBe('upstream https://ada:***@x.example/hook?token=***&sig=*** refused');
    expectClean(JSON.stringify(entry));
    expect(retrying[0]?.error.message).toBe(entry?.error);
    expectClean(String(retrying[0]?.error.stack));
    expectClean(JSON.stringify(dead));
    expect(lines.some((l) => l.includes('x.example'))).toBe(true);
    expectClean(lines.join('\n'));
    await s.close();
  });

  it('a push dispatcher refuses a URL with credentials at start, without printing them', async () => {
    const start = (async () =>
      createPushDispatcher({
        url: redisUrl(),
        prefix: uniquePrefix(),
        to: 'https://ada:hunter2@x.example/hook',
        secrets: 's',
        queues: ['q'],
      }))();
    await expect(start).rejects.toThrow(SluiceArgumentError);
    await expect(start).rejects.toThrow(
      /must not carry credentials \(user:password@x\.example\); send them in `headers`/,
    );
    const message = await start.catch((e: Error) => e.message);
    expect(message).not.toContain('hunter2');
  });
});
