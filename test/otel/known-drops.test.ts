/**
 * Known drops (core's telemetry-sampling.ts): a span is not started only when the real SDK would drop it. Each
 * sampler configuration is checked against the SDK itself: for every kind of parent, a span the shortcut skips
 * must be one the SDK's `startSpan` does not record, many times over (the ratio samplers are random). Unknown
 * samplers (ratio, always on, a subclass, the SDK counting its spans) get no shortcut at all.
 */
import * as api from '@opentelemetry/api';
import { type Context, ROOT_CONTEXT, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { dropMask, type Telemetry, telemetryFrom } from '@sluice/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { processTraceparent, startProcess } from '../../packages/worker/src/telemetry/process-span.js';

/** An AlwaysOffSampler that samples after all: must not be taken for one. */
class SometimesSampler extends AlwaysOffSampler {
  override shouldSample() {
    return { decision: 2 };
  }
}

const RATIO = () => new TraceIdRatioBasedSampler(0.5);
const configs: [string, () => Sampler, number][] = [
  ['AlwaysOff', () => new AlwaysOffSampler(), 31],
  ['ParentBased(root AlwaysOff)', () => new ParentBasedSampler({ root: new AlwaysOffSampler() }), 1 | 4 | 16],
  [
    'ParentBased(root AlwaysOn), the SDK default',
    () => new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    4 | 16,
  ],
  ['ParentBased(root ratio)', () => new ParentBasedSampler({ root: RATIO() }), 4 | 16],
  [
    'ParentBased(all branches ratio)',
    () =>
      new ParentBasedSampler({
        root: RATIO(),
        remoteParentSampled: RATIO(),
        remoteParentNotSampled: RATIO(),
        localParentSampled: RATIO(),
        localParentNotSampled: RATIO(),
      }),
    0,
  ],
  [
    'ParentBased(not-sampled parents AlwaysOn, over ParentBased AlwaysOff)',
    () =>
      new ParentBasedSampler({
        root: new ParentBasedSampler({ root: new AlwaysOffSampler() }),
        remoteParentNotSampled: new AlwaysOnSampler(),
        localParentNotSampled: new AlwaysOnSampler(),
      }),
    1,
  ],
  ['ratio 0.5', RATIO, 0],
  ['ratio 0', () => new TraceIdRatioBasedSampler(0), 0],
  ['AlwaysOn', () => new AlwaysOnSampler(), 0],
  ['a subclass of AlwaysOff that samples', () => new SometimesSampler(), 0],
];

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const sc = (traceFlags: number, isRemote: boolean): SpanContext => ({
  traceId: TRACE_ID,
  spanId: 'b7ad6b7169203331',
  traceFlags,
  isRemote,
});
/** Every kind of parent ParentBasedSampler tells apart, and an invalid one (a root for the SDK). */
const parents: [string, SpanContext | undefined][] = [
  ['none', undefined],
  ['invalid', { ...sc(TraceFlags.SAMPLED, true), traceId: '0'.repeat(32) }],
  ['remote sampled', sc(TraceFlags.SAMPLED, true)],
  ['remote not sampled', sc(TraceFlags.NONE, true)],
  ['local sampled', sc(TraceFlags.SAMPLED, false)],
  ['local not sampled', sc(TraceFlags.NONE, false)],
];

const BIT: Record<string, number> = {
  none: 1,
  invalid: 1,
  'remote sampled': 2,
  'remote not sampled': 4,
  'local sampled': 8,
  'local not sampled': 16,
};

function register(sampler: Sampler, meterProvider?: MeterProvider): Telemetry {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler, ...(meterProvider ? { meterProvider } : {}) }));
  const t = telemetryFrom(api, undefined);
  if (!t?.tracer) throw new Error('no tracer');
  return t;
}

const ctxOf = (parent: SpanContext | undefined): Context =>
  parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;

afterEach(() => trace.disable());

describe('known drops', () => {
  for (const [name, sampler, mask] of configs)
    it(`${name}: skips only spans the SDK drops`, () => {
      expect(dropMask(api, sampler())).toBe(mask);
      const t = register(sampler());
      expect(t.drops === undefined).toBe(mask === 0);
      const tracer = t.tracer as api.Tracer;
      const options = { kind: api.SpanKind.CONSUMER, attributes: { 'messaging.system': 'sluice' } };
      for (const [kind, parent] of parents) {
        let skipped = 0;
        for (let i = 0; i < 300; i++) {
          const sdk = tracer.startSpan('process q', options, ctxOf(parent));
          const ours = t.drops ? t.drops.start('process q', options, ctxOf(parent), parent) : sdk;
          if (ours === undefined) {
            skipped++;
            expect(sdk.isRecording(), `${kind}: skipped a span the SDK records`).toBe(false);
            // the span made in its place has the SDK's shape: the parent's trace, not sampled
            const made = (t.drops as NonNullable<Telemetry['drops']>).unsampled(parent).spanContext();
            expect(made.traceFlags).toBe(TraceFlags.NONE);
            expect(api.isSpanContextValid(made)).toBe(true);
            expect(made.traceId === TRACE_ID).toBe(kind !== 'none' && kind !== 'invalid');
          }
        }
        // the known drops are skipped (all but the safety net's recheck, 1 in 1024), and nothing else
        expect(skipped > 0, kind).toBe((mask & (BIT[kind] ?? 0)) !== 0);
      }
    });

  it('is off when the SDK counts its spans (a meter provider given to the tracer provider)', () => {
    const t = register(new AlwaysOffSampler(), new MeterProvider());
    expect(t.drops).toBeUndefined();
  });

  it('a suppressed context goes to the SDK (which gives an invalid span context)', () => {
    const t = register(new AlwaysOffSampler());
    const suppressed = ROOT_CONTEXT.setValue(Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING'), true);
    const span = t.drops?.start('send q', {}, suppressed, undefined);
    expect(span && api.isSpanContextValid(span.spanContext())).toBe(false);
  });

  it('the safety net: a tracer whose sampler is replaced afterwards records within 1024 spans, then always', () => {
    const t = register(new AlwaysOffSampler());
    const drops = t.drops as NonNullable<Telemetry['drops']>;
    (t.tracer as unknown as { _sampler: Sampler })._sampler = new AlwaysOnSampler();
    let first = -1;
    for (let i = 0; i < 1024 && first < 0; i++) if (drops.start('p', {}, ROOT_CONTEXT, undefined)) first = i;
    expect(first).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 10; i++) expect(drops.start('p', {}, ROOT_CONTEXT, undefined)?.isRecording()).toBe(true);
  });

  it('a provider registered after telemetry was resolved is not seen, with or without the shortcut', () => {
    const t = register(new AlwaysOffSampler());
    trace.disable();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOnSampler() }));
    // the resolved tracer is the first provider's, which the shortcut mirrors exactly
    expect((t.tracer as api.Tracer).startSpan('p', {}, ROOT_CONTEXT).isRecording()).toBe(false);
    expect(t.drops?.start('p', {}, ROOT_CONTEXT, undefined)).toBeUndefined();
  });
});

describe('the span made in place of a dropped one', () => {
  it('has the SDK shape: valid ids seen by a spread, JSON and a child span; the parent trace state', () => {
    const t = register(new AlwaysOffSampler());
    const drops = t.drops as NonNullable<Telemetry['drops']>;
    const made = drops.unsampled(undefined).spanContext();
    const first = { traceId: made.traceId, spanId: made.spanId };
    expect(api.isSpanContextValid(made)).toBe(true);
    expect({ traceId: made.traceId, spanId: made.spanId }).toEqual(first);
    expect({ ...made }).toEqual({ ...first, traceFlags: 0 });
    expect(JSON.parse(JSON.stringify(made))).toEqual({ ...first, traceFlags: 0 });
    const child = trace.getTracer('user').startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, drops.unsampled(made)));
    expect(child.spanContext().traceId).toBe(first.traceId);
    const remote = { ...sc(TraceFlags.NONE, true), traceState: api.createTraceState('k=v') };
    expect(drops.unsampled(remote).spanContext().traceState?.get('k')).toBe('v');
  });
});

describe('process spans known to be dropped', () => {
  const info = { queue: 'q', group: 'workers', job: 'j', id: '1-0', attempt: 1 };
  const sampledCreation = `00-${TRACE_ID}-b7ad6b7169203331-01`;

  it('ParentBased(root AlwaysOff) with useProducerAsParent: a sampled creation context gives a recording span', () => {
    register(new ParentBasedSampler({ root: new AlwaysOffSampler() }));
    const t = telemetryFrom(api, { useProducerAsParent: true }) as Telemetry;
    const sampled = startProcess(t, { ...info, trace: sampledCreation });
    expect(sampled.dropped).toBe(false);
    expect(sampled.span?.isRecording()).toBe(true);
    expect(sampled.span?.spanContext().traceId).toBe(TRACE_ID);
    const unsampled = startProcess(t, { ...info, trace: `00-${TRACE_ID}-b7ad6b7169203331-00` });
    expect(unsampled.dropped).toBe(true);
    expect(unsampled.span).toBeUndefined();
    // links (the default) make a root: dropped
    const linked = startProcess({ ...t, useProducerAsParent: false }, { ...info, trace: sampledCreation });
    expect(linked.dropped).toBe(true);
  });

  it('a dropped span still gives its unsampled context to a push POST, in the creation trace when parented', () => {
    register(new AlwaysOffSampler());
    const t = telemetryFrom(api, { useProducerAsParent: true }) as Telemetry;
    const op = startProcess(t, { ...info, trace: sampledCreation });
    expect(op.span).toBeUndefined();
    const tp = processTraceparent(t, op);
    expect(tp).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
    expect(processTraceparent(t, op)).toBe(tp);
  });
});
