/**
 * With `@opentelemetry/api` installed but no SDK registered, Sluice does no OpenTelemetry work: the enqueued
 * entry carries no `trace` field and the handler sees none (nothing resolved at createSluice / worker start).
 */
import { trace } from '@opentelemetry/api';
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { producer, record, startWorker } from '../worker/harness.js';

describe('OpenTelemetry: no SDK registered', () => {
  it('writes no creation context and makes no span', async () => {
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    const seen: (string | undefined)[] = [];
    const job = defineJob({ name: 'otel-none', handler: (_p: object, ctx) => void seen.push(ctx.trace) });
    const s = await producer();
    await s.enqueue(job, {});
    const [entry] = await s.streams.xrange(s.keys('otel-none').stream);
    expect(Object.keys(entry?.fields ?? {})).not.toContain('trace');
    const w = await startWorker(s.prefix, { jobs: [job] });
    const done = record('job:succeeded', w);
    await waitFor(() => done.length === 1, 'the job to succeed');
    await w.stop();
    await s.close();
    expect(seen).toEqual([undefined]);
  });
});
