/**
 * OpenTelemetry through the push path: the dispatcher's process span is sent as `traceparent` on the signed POST;
 * the fetch handler's process span (a real HTTP server via toNodeListener) is its child and links to the job's
 * creation context. One enqueue, two failed attempts (500), a success.
 */
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadTelemetry } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerServer, recordingJob, startDispatcher } from '../drivers/push-harness.js';
import { waitFor } from '../helpers.js';
import { producer, record } from '../worker/harness.js';
import { counted, registerSdk, type TestSdk, traceparentOf } from './otel-sdk.js';

class FlakyError extends Error {
  override name = 'FlakyError';
}

const SECRET = 'otel-push-secret';
let sdk: TestSdk;
beforeAll(() => {
  sdk = registerSdk();
});
afterAll(() => sdk.shutdown());

describe('OpenTelemetry: push', () => {
  it('enqueue -> POST (500, 500, 200): receiver spans are children of the dispatcher spans, linked to the send span', async () => {
    const { job, calls } = recordingJob<object>('otel-push', (_p, attempt) => {
      if (attempt < 3) throw new FlakyError(`attempt ${attempt} fails`);
    });
    const srv = await handlerServer({ jobs: [job], secrets: SECRET, telemetry: await loadTelemetry() });
    const s = await producer();
    const d = await startDispatcher(s.prefix, {
      to: srv.url,
      secrets: SECRET,
      queues: ['otel-push'],
      attempts: 3,
      backoff: { type: 'fixed', delay: 10 },
    });
    const done = record('job:succeeded', d);
    const { id } = await s.enqueue('otel-push', {});
    await waitFor(() => done.length === 1, 'the third attempt to succeed');
    await d.stop();
    await srv.close();
    await s.close();
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);

    const spans = sdk.spans();
    const [send] = spans.filter((x) => x.name === 'send otel-push');
    const sendCtx = (send as ReadableSpan).spanContext();
    const processes = spans.filter((x) => x.name === 'process otel-push');
    const dispatched = processes.filter((x) => x.attributes['messaging.consumer.group.name'] === 'workers');
    const received = processes.filter((x) => x.attributes['messaging.consumer.group.name'] === undefined);
    expect(dispatched.map((x) => x.attributes['sluice.attempt'])).toEqual([1, 2, 3]);
    expect(received.map((x) => x.attributes['sluice.attempt'])).toEqual([1, 2, 3]);
    for (const [i, r] of received.entries()) {
      const parent = dispatched[i] as ReadableSpan;
      expect(r.kind).toBe(SpanKind.CONSUMER);
      expect(r.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(r.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(r.links.map((l) => l.context.spanId)).toEqual([sendCtx.spanId]);
      expect(r.attributes).toMatchObject({
        'messaging.system': 'sluice',
        'messaging.operation.name': 'process',
        'messaging.destination.name': 'otel-push',
        'messaging.message.id': id,
        'sluice.job.name': 'otel-push',
      });
      expect(parent.links.map((l) => l.context.spanId)).toEqual([sendCtx.spanId]);
    }
    expect(received.map((x) => x.attributes['error.type'])).toEqual(['FlakyError', 'FlakyError', undefined]);
    expect(dispatched.map((x) => x.attributes['error.type'])).toEqual([
      'RetryAfterError',
      'RetryAfterError',
      undefined,
    ]); // the dispatcher's error for a 5xx
    expect(traceparentOf(send as ReadableSpan)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const m = await sdk.collect();
    const consumed = m.get('messaging.client.consumed.messages');
    expect(
      counted(consumed, { 'messaging.destination.name': 'otel-push', 'messaging.consumer.group.name': 'workers' }),
    ).toBe(3);
    expect(counted(consumed, { 'messaging.destination.name': 'otel-push' })).toBe(6); // dispatcher and receiver
  });
});
