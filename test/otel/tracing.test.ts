/**
 * OpenTelemetry through the pull worker, checked with the SDK's in-memory exporters: one enqueue, two failed
 * attempts, a success; the send span's context is written into the job once and every process span links to it
 * (or is its child with `useProducerAsParent`); attributes and the four semconv metrics.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { defineJob } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, record, startWorker } from '../worker/harness.js';
import { counted, recorded, registerSdk, type TestSdk, traceparentOf } from './otel-sdk.js';

class FlakyError extends Error {
  override name = 'FlakyError';
}

/** A job failing its first two attempts; `traces` holds `ctx.trace` of each attempt. */
function flakyJob(name: string) {
  const traces: (string | undefined)[] = [];
  const job = defineJob({
    name,
    retry: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
    handler: (_p: object, ctx) => {
      traces.push(ctx.trace);
      if (ctx.attempt < 3) throw new FlakyError(`attempt ${ctx.attempt} fails`);
    },
  });
  return { job, traces };
}

const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

let sdk: TestSdk;
beforeAll(() => {
  sdk = registerSdk();
});
afterAll(() => sdk.shutdown());

describe('OpenTelemetry: pull worker', () => {
  it('enqueue -> two failed attempts -> success: one send span, three linked process spans, and the metrics', async () => {
    const { job, traces } = flakyJob('otel-pull');
    const s = await producer();
    const w = await startWorker(s.prefix, { jobs: [job] });
    const done = record('job:succeeded', w);
    const { id } = await s.enqueue(job, {});
    await waitFor(() => done.length === 1, 'the third attempt to succeed');
    await w.stop();
    await s.close();

    const [send, ...extra] = byName(sdk.spans(), 'send otel-pull');
    expect(extra).toEqual([]);
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.attributes).toEqual({
      'messaging.system': 'sluice',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'otel-pull',
      'messaging.message.id': id,
      'sluice.job.name': 'otel-pull',
    });
    const creation = traceparentOf(send as ReadableSpan);
    expect(traces).toEqual([creation, creation, creation]); // written once, kept across retries

    const runs = byName(sdk.spans(), 'process otel-pull');
    expect(runs.map((r) => r.attributes['sluice.attempt'])).toEqual([1, 2, 3]);
    for (const r of runs) {
      expect(r.kind).toBe(SpanKind.CONSUMER);
      expect(r.parentSpanContext).toBeUndefined(); // a link, not the parent
      expect(r.links.map((l) => l.context.spanId)).toEqual([send?.spanContext().spanId]);
      expect(r.links[0]?.context.traceId).toBe(send?.spanContext().traceId);
      expect(r.attributes).toMatchObject({
        'messaging.system': 'sluice',
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
        'messaging.destination.name': 'otel-pull',
        'messaging.consumer.group.name': 'workers',
        'messaging.message.id': id,
        'sluice.job.name': 'otel-pull',
      });
    }
    expect(runs.map((r) => r.attributes['error.type'])).toEqual(['FlakyError', 'FlakyError', undefined]);
    expect(runs.map((r) => r.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.UNSET]);

    const m = await sdk.collect();
    const q = { 'messaging.destination.name': 'otel-pull' };
    expect(counted(m.get('messaging.client.sent.messages'), q)).toBe(1);
    expect(recorded(m.get('messaging.client.operation.duration'), q)).toBe(1);
    expect(counted(m.get('messaging.client.consumed.messages'), q)).toBe(3);
    expect(counted(m.get('messaging.client.consumed.messages'), { ...q, 'error.type': 'FlakyError' })).toBe(2);
    expect(recorded(m.get('messaging.process.duration'), q)).toBe(3);
    expect(m.get('messaging.process.duration')?.descriptor.unit).toBe('s');
    expect(m.get('messaging.client.operation.duration')?.descriptor.unit).toBe('s');
  });

  it('useProducerAsParent: every attempt is a child of the send span, in one trace', async () => {
    const { job } = flakyJob('otel-parent');
    const s = await producer();
    const w = await startWorker(s.prefix, { jobs: [job], tracing: { useProducerAsParent: true } });
    const done = record('job:succeeded', w);
    await s.enqueue(job, {});
    await waitFor(() => done.length === 1, 'the third attempt to succeed');
    await w.stop();
    await s.close();
    const [send] = byName(sdk.spans(), 'send otel-parent');
    const runs = byName(sdk.spans(), 'process otel-parent');
    expect(runs).toHaveLength(3);
    for (const r of runs) {
      expect(r.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
      expect(r.spanContext().traceId).toBe(send?.spanContext().traceId);
      expect(r.links).toEqual([]);
    }
  });

  it('enqueueMany: one send span with the batch count; every job carries its context', async () => {
    const seen: (string | undefined)[] = [];
    const job = defineJob({ name: 'otel-many', handler: (_p: object, ctx) => void seen.push(ctx.trace) });
    const s = await producer();
    const w = await startWorker(s.prefix, { jobs: [job] });
    const done = record('job:succeeded', w);
    await s.enqueueMany(job, [{}, {}, {}]);
    await waitFor(() => done.length === 3, 'the three jobs to succeed');
    await w.stop();
    await s.close();
    const [send, ...extra] = byName(sdk.spans(), 'send otel-many');
    expect(extra).toEqual([]);
    expect(send?.attributes['messaging.batch.message_count']).toBe(3);
    expect(send?.attributes['messaging.message.id']).toBeUndefined();
    expect(seen).toEqual(Array(3).fill(traceparentOf(send as ReadableSpan)));
    const m = await sdk.collect();
    expect(counted(m.get('messaging.client.sent.messages'), { 'messaging.destination.name': 'otel-many' })).toBe(3);
  });

  it('a failed send ends its span with error.type and counts the attempted job with it', async () => {
    const s = await producer();
    await s.enqueue('otel-fail', {});
    await s.close();
    await expect(s.enqueue('otel-fail', {})).rejects.toThrow();
    const [ok, failed] = byName(sdk.spans(), 'send otel-fail');
    expect(ok?.attributes['error.type']).toBeUndefined();
    const type = failed?.attributes['error.type'];
    expect(type).toMatch(/^\w+$/);
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    const sent = (await sdk.collect()).get('messaging.client.sent.messages');
    expect(counted(sent, { 'messaging.destination.name': 'otel-fail', 'error.type': type })).toBe(1);
    expect(counted(sent, { 'messaging.destination.name': 'otel-fail' })).toBe(2);
  });

  it('tracing: false turns it off, and a traceparent given at enqueue is kept as the creation context', async () => {
    const s = await producer(uniquePrefix());
    const given = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const seen: (string | undefined)[] = [];
    const job = defineJob({ name: 'otel-off', handler: (_p: object, ctx) => void seen.push(ctx.trace) });
    const w = await startWorker(s.prefix, { jobs: [job], tracing: false });
    const done = record('job:succeeded', w);
    await s.enqueue(job, {}, { trace: given });
    await waitFor(() => done.length === 1, 'the job to succeed');
    await w.stop();
    await s.close();
    expect(byName(sdk.spans(), 'process otel-off')).toEqual([]);
    const [send] = byName(sdk.spans(), 'send otel-off');
    expect(send?.attributes['messaging.destination.name']).toBe('otel-off'); // the producer still traces
    expect(seen).toEqual([given]);
  });
});
