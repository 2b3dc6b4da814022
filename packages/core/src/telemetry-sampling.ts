/**
 * Known drops: a span whose sampling decision is certain before it starts is not started at all.
 *
 * With an OpenTelemetry SDK registered whose sampler records nothing, `tracer.startSpan` of a dropped span still
 * costs about 0.5 us (two random ids, attribute copying, the sampler call, the SDK's span metrics), about 5% of a
 * job's CPU at full speed. The SDK's own samplers `AlwaysOffSampler` and `ParentBasedSampler` decide from the
 * parent alone: AlwaysOff never records; ParentBased picks one of five delegates by the parent span context (none
 * or invalid, remote sampled, remote not sampled, local sampled, local not sampled) and asks it. So when the tracer
 * is the SDK's `Tracer` and its sampler is one of those, read once here (the SDK keeps them in fields set at
 * construction; a tracer never changes its sampler), the decision for a span under a parent of a given kind is
 * known exactly, with no guess from past spans. Any other sampler (ratio, rate limiting, custom, a subclass, a
 * wrapper, another SDK) is not known and every span goes through `startSpan` as before.
 *
 * A dropped span is what the SDK would make unobservable anyway: no span processor, exporter or SDK metric sees
 * it; only its ids are visible, through the context. {@link KnownDrops.unsampled} makes that span, with the
 * tracer's own id generator, only when it can be seen (a context manager is registered, a traceparent is written).
 * The shortcut is off when the SDK counts its spans (`otel.sdk.span.started`, a tracer provider given a meter
 * provider), where a skipped span would be missing from the count. As a safety net every 1024th known drop still
 * goes through `startSpan`: a span that records there turns the shortcut off for good.
 */
import type { Context, Span, SpanContext, SpanOptions } from '@opentelemetry/api';
import type { OtelApiModule } from './telemetry.js';

/** Kinds of parent, as ParentBasedSampler tells them apart: one bit each. */
const ROOT = 1;
const REMOTE_SAMPLED = 2;
const REMOTE_NOT_SAMPLED = 4;
const LOCAL_SAMPLED = 8;
const LOCAL_NOT_SAMPLED = 16;
const EVERY_KIND = 31;
/** Every RECHECK-th known drop is started by the SDK, which confirms it (a power of two, minus one). */
const RECHECK_MASK = 1023;
/** The SDK's suppress-tracing context key (`@opentelemetry/core`; `createContextKey` is `Symbol.for`). */
const SUPPRESS_TRACING = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
/** `SamplingDecision.NOT_RECORD` of the SDK. */
const NOT_RECORD = 0;

/** The SDK tracer's id generator (`IdGenerator` of `@opentelemetry/sdk-trace-base`). */
interface IdGenerator {
  generateTraceId(): string;
  generateSpanId(): string;
}

/** Spans whose sampling decision is known to be "drop"; see the module comment. */
export interface KnownDrops {
  /**
   * `tracer.startSpan(name, options, ctx)`, or undefined when that span is known to be dropped (not recording,
   * seen by nothing but its ids). `parent` is the span context in `ctx` (`trace.getSpanContext(ctx)`).
   */
  start(name: string, options: SpanOptions, ctx: Context, parent: SpanContext | undefined): Span | undefined;
  /** The non-recording span the SDK makes for a dropped span under `parent`: new ids, sampled flag off. */
  unsampled(parent: SpanContext | undefined): Span;
}

/** A field of an object, or undefined. */
function field(o: unknown, name: string): unknown {
  return o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[name] : undefined;
}

/** True when `o` is an instance of a class named `name` that does not override its `method` on the object. */
function isSdkClass(o: unknown, name: string, method: string): o is object {
  return (
    o !== null &&
    typeof o === 'object' &&
    (o as object).constructor?.name === name &&
    !Object.hasOwn(o, method) &&
    typeof field(o, method) === 'function'
  );
}

/** The parent kinds under which `sampler` never records (bits), read from the SDK's samplers; 0 when unknown. */
export function dropMask(api: OtelApiModule, sampler: unknown, depth = 0): number {
  if (depth > 4) return 0;
  if (isSdkClass(sampler, 'AlwaysOffSampler', 'shouldSample')) {
    const probe = (sampler as { shouldSample(...a: unknown[]): { decision?: unknown } }).shouldSample(
      api.ROOT_CONTEXT,
      '0af7651916cd43dd8448eb211c80319c',
      'probe',
      api.SpanKind.INTERNAL,
      {},
      [],
    );
    return String(sampler) === 'AlwaysOffSampler' && probe?.decision === NOT_RECORD ? EVERY_KIND : 0;
  }
  if (isSdkClass(sampler, 'ParentBasedSampler', 'shouldSample')) {
    const branch = (f: string, bit: number) => dropMask(api, field(sampler, f), depth + 1) & bit;
    return (
      branch('_root', ROOT) |
      branch('_remoteParentSampled', REMOTE_SAMPLED) |
      branch('_remoteParentNotSampled', REMOTE_NOT_SAMPLED) |
      branch('_localParentSampled', LOCAL_SAMPLED) |
      branch('_localParentNotSampled', LOCAL_NOT_SAMPLED)
    );
  }
  return 0;
}

/** True when the SDK tracer counts started spans (its span metrics have a real meter): skipping one would show. */
function countsSpans(tracer: object): boolean {
  const started = field(field(tracer, '_tracerMetrics'), 'startedSpans');
  return started !== undefined && started?.constructor?.name !== 'NoopCounterMetric';
}

/** The kind bit of a parent span context, as ParentBasedSampler chooses its delegate. */
function kindOf(api: OtelApiModule, parent: SpanContext | undefined): number {
  if (!parent || !api.isSpanContextValid(parent)) return ROOT;
  const sampled = (parent.traceFlags & api.TraceFlags.SAMPLED) !== 0;
  if (parent.isRemote) return sampled ? REMOTE_SAMPLED : REMOTE_NOT_SAMPLED;
  return sampled ? LOCAL_SAMPLED : LOCAL_NOT_SAMPLED;
}

/**
 * The known drops of `tracer` (the one `api.trace.getTracer` gave), or undefined when none can be known: not the
 * SDK's `Tracer`, a sampler that is not AlwaysOff or ParentBased over AlwaysOff branches, or the SDK counts spans.
 */
export function knownDrops(api: OtelApiModule, tracer: unknown): KnownDrops | undefined {
  if (!isSdkClass(tracer, 'Tracer', 'startSpan')) return undefined;
  const sampler = field(tracer, '_sampler');
  const ids = field(tracer, '_idGenerator') as IdGenerator | undefined;
  if (typeof ids?.generateTraceId !== 'function' || typeof ids.generateSpanId !== 'function') return undefined;
  const mask = dropMask(api, sampler);
  if (mask === 0 || countsSpans(tracer)) return undefined;
  return new Drops(api, tracer as { startSpan(n: string, o: SpanOptions, c: Context): Span }, sampler, ids, mask);
}

class Drops implements KnownDrops {
  #mask: number;
  #n = 0;
  constructor(
    private readonly api: OtelApiModule,
    private readonly tracer: { startSpan(n: string, o: SpanOptions, c: Context): Span },
    private readonly sampler: unknown,
    private readonly ids: IdGenerator,
    mask: number,
  ) {
    this.#mask = mask;
  }

  start(name: string, options: SpanOptions, ctx: Context, parent: SpanContext | undefined): Span | undefined {
    const known = (this.#mask & kindOf(this.api, parent)) !== 0 && ctx.getValue(SUPPRESS_TRACING) !== true;
    if (known && (++this.#n & RECHECK_MASK) !== 0) return undefined;
    const span = this.tracer.startSpan(name, options, ctx);
    // The safety net: a known drop the SDK recorded, or a sampler replaced, ends the shortcut.
    if (known && (span.isRecording() || field(this.tracer, '_sampler') !== this.sampler)) this.#mask = 0;
    return span;
  }

  unsampled(parent: SpanContext | undefined): Span {
    // As the SDK's Tracer: the span id first, then the trace id of a root (or the parent's, with its trace state).
    // Eager: a context with lazy own getters costs more than the ids (~1 us against ~0.4 us), and getters on a
    // prototype would hide the ids from a spread (`logger.info({ ...span.spanContext() })`).
    const spanId = this.ids.generateSpanId();
    const child = parent !== undefined && this.api.isSpanContextValid(parent);
    const sc: SpanContext = {
      traceId: child ? parent.traceId : this.ids.generateTraceId(),
      spanId,
      traceFlags: this.api.TraceFlags.NONE,
    };
    if (child && parent.traceState !== undefined) sc.traceState = parent.traceState;
    return this.api.trace.wrapSpanContext(sc);
  }
}
