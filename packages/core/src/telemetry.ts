/**
 * OpenTelemetry, loaded only when `@opentelemetry/api` (an optional peer dependency) is installed and an SDK is
 * registered: {@link loadTelemetry} resolves the API, the tracer and the meter once (at createSluice or worker
 * start); when neither a tracer provider nor a meter provider is registered it returns undefined and every hot
 * path skips span and metric work on one `undefined` check. Names follow the OpenTelemetry messaging semantic
 * conventions {@link SEMCONV_VERSION} (Development status; docs/observability.md lists what is followed).
 * The worker's process spans are in the worker (telemetry/process-span.ts, edge-safe for the push fetch handler).
 */
import type * as OtelApi from '@opentelemetry/api';
import { type KnownDrops, knownDrops } from './telemetry-sampling.js';

/** The OpenTelemetry API module (`@opentelemetry/api`). */
export type OtelApiModule = typeof OtelApi;

/** The semantic conventions version followed (messaging conventions, Development status). */
export const SEMCONV_VERSION = '1.44.0';
/** Histogram buckets in seconds, as the messaging conventions advise. */
export const DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
/** `messaging.system` of every span and metric. */
export const MESSAGING_SYSTEM = 'sluice';
const SCOPE = '@sluice/sluice';

/** Tracing settings (createSluice, createWorker, createFetchHandler). */
export interface TracingOptions {
  /** A process span's parent is the job's creation (send) context instead of a link to it (default false). */
  useProducerAsParent?: boolean;
}

/** The resolved OpenTelemetry handles; undefined fields are off (no provider registered). */
export interface Telemetry {
  readonly api: OtelApiModule;
  /** Undefined when no tracer provider is registered. */
  readonly tracer: OtelApi.Tracer | undefined;
  /**
   * The spans of `tracer` known to be dropped before they start (an SDK sampler that records nothing for their
   * kind of parent): they are not started. Undefined when no such decision can be known (telemetry-sampling.ts).
   */
  readonly drops: KnownDrops | undefined;
  /** Instruments; undefined when no meter provider is registered. */
  readonly metrics: TelemetryMetrics | undefined;
  readonly useProducerAsParent: boolean;
  /**
   * True when a context manager is registered (a context made active is seen inside): only then is a span made
   * active around a handler (without one nothing can see it, and making the context costs per job).
   */
  readonly propagates: boolean;
  /** The `error.type` of a thrown value ({@link errorType}; here so edge code needs no runtime import). */
  readonly errorType: (err: unknown) => string;
  /** {@link formatTraceparent}, for the same reason. */
  readonly formatTraceparent: (sc: OtelApi.SpanContext) => string;
}

/** The four semconv messaging instruments. */
export interface TelemetryMetrics {
  readonly sent: OtelApi.Counter;
  readonly consumed: OtelApi.Counter;
  readonly operationDuration: OtelApi.Histogram;
  readonly processDuration: OtelApi.Histogram;
}

/** Resolve tracer and instruments from an API module; undefined when no SDK is registered (no cost after). */
export function telemetryFrom(api: OtelApiModule, opts: TracingOptions | undefined): Telemetry | undefined {
  const provider = api.trace.getTracerProvider();
  const noopTracing =
    provider instanceof api.ProxyTracerProvider &&
    provider.getDelegate() === new api.ProxyTracerProvider().getDelegate();
  const tracer = noopTracing ? undefined : api.trace.getTracer(SCOPE, SEMCONV_VERSION);
  const meter = api.metrics.getMeter(SCOPE, SEMCONV_VERSION);
  const metrics = meter.constructor === api.createNoopMeter().constructor ? undefined : instruments(meter);
  if (!tracer && !metrics) return undefined;
  return {
    api,
    tracer,
    drops: tracer ? knownDrops(api, tracer) : undefined,
    metrics,
    useProducerAsParent: opts?.useProducerAsParent === true,
    propagates: contextPropagates(api),
    errorType,
    formatTraceparent,
  };
}

/** True when `api.context.with` makes a context active (a context manager is registered), tried once. */
function contextPropagates(api: OtelApiModule): boolean {
  const probe = api.ROOT_CONTEXT.setValue(api.createContextKey('sluice.propagates'), true);
  return api.context.with(probe, () => api.context.active() === probe);
}

function instruments(meter: OtelApi.Meter): TelemetryMetrics {
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, {
      unit: 's',
      description,
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
  return {
    sent: meter.createCounter('messaging.client.sent.messages', {
      unit: '{message}',
      description: 'Messages a producer attempted to send.',
    }),
    consumed: meter.createCounter('messaging.client.consumed.messages', {
      unit: '{message}',
      description: 'Messages delivered to a consumer (counted when processed).',
    }),
    operationDuration: seconds('messaging.client.operation.duration', 'Duration of a send operation.'),
    processDuration: seconds('messaging.process.duration', 'Duration of processing operations.'),
  };
}

/** Where `@opentelemetry/api` 1.x keeps what an SDK registers (tracer/meter providers, context manager). */
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * Load `@opentelemetry/api` lazily and resolve {@link Telemetry}; undefined when `opts` is false, the package is
 * not installed, or no SDK is registered. Register the SDK before calling this (createSluice, worker start).
 */
export async function loadTelemetry(opts?: TracingOptions | false): Promise<Telemetry | undefined> {
  if (opts === false) return undefined;
  // No SDK registered yet in this process (the API keeps its registrations on this global): nothing to resolve,
  // so skip loading the API (~45 modules of a cold start, docs/benchmarks.md).
  if ((globalThis as Record<symbol, unknown>)[OTEL_GLOBAL] === undefined) return undefined;
  let api: OtelApiModule;
  try {
    api = await import('@opentelemetry/api');
  } catch {
    return undefined;
  }
  return telemetryFrom(api, opts);
}

/** A span context as a W3C `traceparent` value. */
export function formatTraceparent(sc: OtelApi.SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The class name of a thrown value, for `error.type` (`_OTHER` when it has none). */
export function errorType(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? err.name : err.constructor.name || 'Error';
  return '_OTHER';
}

/** A started `send <queue>` span with its start time; see {@link startSend}. */
export interface SendOp {
  readonly span: OtelApi.Span | undefined;
  /** The job's creation context as a traceparent (the send span's); undefined when not traced. */
  readonly traceparent: string | undefined;
  readonly startedAt: number;
}

/** Start the PRODUCER span of an enqueue (one job, `messageId`) or enqueueMany (`count` jobs). */
export function startSend(t: Telemetry, queue: string, job: string, messageId?: string, count?: number): SendOp {
  const startedAt = performance.now();
  if (!t.tracer) return { span: undefined, traceparent: undefined, startedAt };
  const attributes: OtelApi.Attributes = {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.name': 'send',
    'messaging.operation.type': 'send',
    'messaging.destination.name': queue,
    'sluice.job.name': job,
  };
  if (messageId !== undefined) attributes['messaging.message.id'] = messageId;
  if (count !== undefined) attributes['messaging.batch.message_count'] = count;
  const options = { kind: t.api.SpanKind.PRODUCER, attributes };
  let span: OtelApi.Span | undefined;
  if (t.drops) {
    // A send known to be dropped makes no span; the job still carries its unsampled context (as the SDK's would).
    const ctx = t.api.context.active();
    const parent = t.api.trace.getSpanContext(ctx);
    span = t.drops.start(`send ${queue}`, options, ctx, parent);
    if (!span) return { span, traceparent: formatTraceparent(t.drops.unsampled(parent).spanContext()), startedAt };
  } else span = t.tracer.startSpan(`send ${queue}`, options);
  const sc = span.spanContext();
  return { span, traceparent: t.api.isSpanContextValid(sc) ? formatTraceparent(sc) : undefined, startedAt };
}

/** End a send: span status, `error.type`, and the sent counter and send duration. */
export function endSend(t: Telemetry, op: SendOp, queue: string, count: number, err?: unknown): void {
  const failed = err !== undefined;
  if (op.span) {
    if (failed) {
      op.span.setAttribute('error.type', errorType(err));
      op.span.setStatus({ code: t.api.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : undefined });
    }
    op.span.end();
  }
  if (!t.metrics) return;
  const attrs: OtelApi.Attributes = {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.name': 'send',
    'messaging.operation.type': 'send',
    'messaging.destination.name': queue,
  };
  if (failed) attrs['error.type'] = errorType(err);
  t.metrics.sent.add(count, attrs);
  t.metrics.operationDuration.record((performance.now() - op.startedAt) / 1000, attrs);
}

/**
 * Run `write` under the send operation `op` of `count` jobs and end it: the jobs `written` says were sent
 * (default `count`), or on a throw `count` with the error (rethrown).
 */
export async function sendUnder<R>(
  t: Telemetry,
  op: SendOp,
  queue: string,
  count: number,
  write: () => Promise<R>,
  written: (r: R) => number = () => count,
): Promise<R> {
  let r: R;
  try {
    r = await write();
  } catch (e) {
    endSend(t, op, queue, count, e);
    throw e;
  }
  endSend(t, op, queue, written(r));
  return r;
}
