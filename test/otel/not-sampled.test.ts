/**
 * OpenTelemetry registered with a sampler that records nothing (the cheap path of the process span): the span is
 * made but records nothing; with a context manager it is still the active span around the handler, so a span the
 * handler starts is in its trace and follows its sampling decision; without one no context is made per job.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, type ContextManager, context, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { defineJob } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { producer, record, startWorker } from '../worker/harness.js';

/** The smallest AsyncLocalStorage context manager (what @opentelemetry/context-async-hooks registers). */
class AlsContextManager implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.als.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.als.disable();
    return this;
  }
}

interface Seen {
  active: SpanContext | undefined;
  recording: boolean | undefined;
  child: SpanContext;
  childRecording: boolean;
  trace: string | undefined;
}

/** A job recording what its handler sees of the active span, and a span it starts. */
function probeJob(name: string) {
  const seen: Seen[] = [];
  const job = defineJob({
    name,
    handler: (_p: object, ctx) => {
      const active = trace.getActiveSpan();
      const child = trace.getTracer('user').startSpan('user work');
      child.end();
      seen.push({
        active: active?.spanContext(),
        recording: active?.isRecording(),
        child: child.spanContext(),
        childRecording: child.isRecording(),
        trace: ctx.trace,
      });
    },
  });
  return { job, seen };
}

/** The trace id and flags of a W3C traceparent. */
function traceparentOf(value: string | undefined): { traceId: string; traceFlags: number } | undefined {
  const [, traceId, , flags] = value?.split('-') ?? [];
  return traceId && flags ? { traceId, traceFlags: Number.parseInt(flags, 16) } : undefined;
}

async function runOne(name: string, tracing?: { useProducerAsParent: boolean }): Promise<Seen> {
  const { job, seen } = probeJob(name);
  const s = await producer();
  const w = await startWorker(s.prefix, { jobs: [job], ...(tracing ? { tracing } : {}) });
  const done = record('job:succeeded', w);
  await s.enqueue(job, {});
  await waitFor(() => done.length === 1, 'the job to succeed');
  await w.stop();
  await s.close();
  expect(seen).toHaveLength(1);
  return seen[0] as Seen;
}

afterEach(() => {
  trace.disable();
  context.disable();
});

describe('OpenTelemetry registered, sampling nothing', () => {
  it('with a context manager: the process span is active (not recording) and a handler span is its child', async () => {
    context.setGlobalContextManager(new AlsContextManager());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
    const seen = await runOne('otel-off-cm');
    // the unsampled send context is still written into the job (downstream keeps the decision)
    const creation = traceparentOf(seen.trace);
    expect(creation?.traceFlags).toBe(0);
    expect(seen.active).toBeDefined();
    expect(seen.recording).toBe(false);
    // linked, not parented: a trace of its own, which the handler's span joins, unsampled like it
    expect(seen.active?.traceId).not.toBe(creation?.traceId);
    expect(seen.child.traceId).toBe(seen.active?.traceId);
    expect(seen.childRecording).toBe(false);
  });

  it('with a context manager and useProducerAsParent: the handler span is in the creation trace', async () => {
    context.setGlobalContextManager(new AlsContextManager());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
    const seen = await runOne('otel-off-parent', { useProducerAsParent: true });
    const creation = traceparentOf(seen.trace);
    expect(seen.active?.traceId).toBe(creation?.traceId);
    expect(seen.child.traceId).toBe(creation?.traceId);
  });

  it('without a context manager: nothing is active in the handler, and the job runs', async () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
    const seen = await runOne('otel-off-no-cm');
    expect(seen.active).toBeUndefined();
    expect(seen.childRecording).toBe(false);
  });

  it('ParentBased(root AlwaysOff), useProducerAsParent: a job sent under a sampled remote parent is traced', async () => {
    // the spans Sluice skips as known drops are exactly the ones this sampler drops: the root enqueue and its job
    const exporter = new InMemorySpanExporter();
    const sampler = new ParentBasedSampler({ root: new AlwaysOffSampler() });
    context.setGlobalContextManager(new AlsContextManager());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const job = defineJob({ name: 'otel-parent-based', handler: async (_p: object) => {} });
    const s = await producer();
    const w = await startWorker(s.prefix, { jobs: [job], tracing: { useProducerAsParent: true } });
    const done = record('job:succeeded', w);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    const traced = await context.with(remote, () => s.enqueue(job, {}));
    const untraced = await s.enqueue(job, {});
    await waitFor(() => done.length === 2, 'both jobs to succeed');
    await w.stop();
    await s.close();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((x) => x.name.split(' ')[0]).sort()).toEqual(['process', 'send']);
    const send = spans.find((x) => x.name.startsWith('send'));
    const proc = spans.find((x) => x.name.startsWith('process'));
    expect(send?.spanContext().traceId).toBe(traceId);
    expect(proc?.spanContext().traceId).toBe(traceId);
    expect(proc?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(proc?.attributes['messaging.message.id']).toBe(traced.id);
    expect(untraced.id).not.toBe(traced.id);
  });
});
