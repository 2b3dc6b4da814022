import { defineJob, type JobLogger } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { createFetchHandler } from './fetch-handler.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, sign, TIMESTAMP_HEADER } from './signature.js';

const SECRET = 'push-secret';
const LEAK = 'redis://app:hunter2@cache.internal:6379/0?token=abc123';

/** A logger that keeps every line it is given, serialised, so a test can look for a secret anywhere in it. */
function recordingLogger(lines: string[]): JobLogger {
  const keep = (...args: unknown[]) => {
    lines.push(JSON.stringify(args, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)));
  };
  return { trace: keep, debug: keep, info: keep, warn: keep, error: keep, fatal: keep } as unknown as JobLogger;
}

async function signedPost(body: object): Promise<Request> {
  const text = JSON.stringify(body);
  const ts = Math.floor(Date.now() / 1000);
  const delivery = `job-1:1:${Math.random().toString(16).slice(2, 10)}`;
  return new Request('http://h/sluice', {
    method: 'POST',
    body: text,
    headers: {
      [SIGNATURE_HEADER]: await sign(SECRET, ts, delivery, text),
      [TIMESTAMP_HEADER]: String(ts),
      [DELIVERY_HEADER]: delivery,
    },
  });
}

describe('fetch handler: a failing handler leaks no secret', () => {
  it('redacts credentials and query values of URLs in the log line and in the 500 answer', async () => {
    const lines: string[] = [];
    const job = defineJob({
      name: 'connect',
      handler: () => {
        throw new Error(`cannot reach ${LEAK}`);
      },
    });
    const handler = createFetchHandler({ jobs: [job], secrets: SECRET, log: recordingLogger(lines) });
    const res = await handler(await signedPost({ id: 'job-1', name: 'connect', queue: 'q', attempt: 1, payload: {} }));
    expect(res.status).toBe(500);
    const answer = await res.text();
    expect(answer).toContain('cache.internal');
    expect(lines.length).toBeGreaterThan(0);
    for (const text of [answer, ...lines]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('abc123');
    }
  });
});
