/**
 * The OpenTelemetry SDK as a user registers it, with in-memory exporters: every ended span and, on collect(),
 * every metric point. Register before createSluice / worker start (Sluice resolves the providers once there).
 */
import { metrics, trace } from '@opentelemetry/api';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A metric reader that collects on demand. */
class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** The registered SDK. */
export interface TestSdk {
  spans(): ReadableSpan[];
  /** Every metric of the last collection, by name. */
  collect(): Promise<Map<string, MetricData>>;
  /** Unregister the global providers (the next test file starts clean). */
  shutdown(): Promise<void>;
}

/** Register a tracer provider (all spans sampled) and a meter provider as the global ones. */
export function registerSdk(): TestSdk {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meter = new MeterProvider({ readers: [reader] });
  trace.setGlobalTracerProvider(tracer);
  metrics.setGlobalMeterProvider(meter);
  return {
    spans: () => exporter.getFinishedSpans(),
    async collect() {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, MetricData>();
      for (const sm of resourceMetrics.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m);
      return out;
    },
    async shutdown() {
      trace.disable();
      metrics.disable();
      await tracer.shutdown();
      await meter.shutdown();
    },
  };
}

/** The data points of a metric whose attributes include `match`. */
export function points(m: MetricData | undefined, match: Record<string, unknown> = {}): DataPoint<unknown>[] {
  const all = (m?.dataPoints ?? []) as DataPoint<unknown>[];
  return all.filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v));
}

/** Sum of a counter's points matching `match`. */
export const counted = (m: MetricData | undefined, match: Record<string, unknown> = {}): number =>
  points(m, match).reduce((n, p) => n + (p.value as number), 0);

/** Count of a histogram's recordings matching `match`. */
export const recorded = (m: MetricData | undefined, match: Record<string, unknown> = {}): number =>
  points(m, match).reduce((n, p) => n + (p.value as Histogram).count, 0);

/** The span's context as a traceparent. */
export function traceparentOf(s: ReadableSpan): string {
  const c = s.spanContext();
  return `00-${c.traceId}-${c.spanId}-0${c.traceFlags}`;
}
