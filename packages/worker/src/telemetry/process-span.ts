/**
 * The `process <queue>` CONSUMER span around a handler and the consumer metrics (OpenTelemetry messaging
 * conventions, see core's telemetry.ts). The span LINKS to the job's creation context (the `trace` written at
 * enqueue); with `useProducerAsParent` it is the parent instead. Under a push request the parent is the request's
 * context and the creation context is a link. Edge-safe: type imports only (the push fetch handler uses it).
 *
 * Cost: this runs once per job, so the part that does not change per job is built once per (queue, job, group)
 * (span name, start options, metric attributes); the span starts with those (what a sampler is given), and the
 * per-job parts (message id, attempt, the link to the creation context) are added only when the span records: a
 * job whose span is not sampled parses no traceparent and builds no object for it. When no context manager is
 * registered (nothing could see the span as active), no context is made per job. A span the SDK's sampler is
 * known to drop (core's KnownDrops: AlwaysOff, or ParentBased choosing AlwaysOff for this parent) is not started
 * at all; its ids are made only when something can see them. See docs/observability.md.
 */
import type { Attributes, Context, Span, SpanContext, SpanOptions } from '@opentelemetry/api';
import type { Telemetry } from '@sluice/core/internal';

/** What a process span is about. */
export interface ProcessInfo {
  readonly queue: string;
  /** `messaging.consumer.group.name` (none on a push receiver). */
  readonly group: string | undefined;
  readonly job: string;
  readonly id: string;
  readonly attempt: number;
  /** The job's creation context (W3C traceparent), if any. */
  readonly trace: string | undefined;
  /** The ambient parent (a push request's context); default none. */
  readonly parent?: Context | undefined;
}

/** What does not change between the process operations of one (queue, job, group): built once. */
interface Template {
  readonly t: Telemetry;
  readonly queue: string;
  readonly job: string;
  readonly group: string | undefined;
  readonly name: string;
  /** The span's start options (the API's exports are getters: read once). */
  readonly options: SpanOptions;
  readonly root: Context;
  /** The span's start attributes (a sampler sees these): shared, never changed after it is built. */
  readonly attributes: Attributes;
  /** The metric attributes of a success, and of a failure by `error.type` (made on first use). */
  readonly metricAttrs: Attributes;
  readonly failedAttrs: Map<string, Attributes>;
}

/** A started process operation. */
export interface ProcessOp {
  /** The span; undefined when not traced, or dropped and its ids not needed yet (see `dropped`). */
  span: Span | undefined;
  /** True when the span was known to be dropped and not started (core's KnownDrops); its ids are made on demand. */
  readonly dropped: boolean;
  /** The span's parent when dropped (the creation context with `useProducerAsParent`), for its ids. */
  readonly dropParent: SpanContext | undefined;
  /** The context with the span active (run the handler in it); undefined when not traced or nothing propagates. */
  readonly context: Context | undefined;
  /** performance.now() at the start, when OTel metrics are on (else 0). */
  readonly startedAt: number;
  readonly template: Template;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** True when `s[from, to)` is lowercase hex; `nonZero`: and not all '0'. */
function hexAt(s: string, from: number, to: number, nonZero: boolean): boolean {
  let any = !nonZero;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 48) continue;
    if (!((c > 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
    any = true;
  }
  return any;
}

/** A W3C `traceparent` as a remote span context; undefined when absent, malformed or all-zero. */
export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  if (!value) return undefined;
  // The common case (a version-00 header, 55 characters) is checked by hand: a regex costs ~0.3 us per job.
  if (value.length === 55) {
    if (value.charCodeAt(2) !== 45 || value.charCodeAt(35) !== 45 || value.charCodeAt(52) !== 45) return undefined;
    if (!hexAt(value, 0, 2, false) || value.startsWith('ff') || !hexAt(value, 53, 55, false)) return undefined;
    if (!hexAt(value, 3, 35, true) || !hexAt(value, 36, 52, true)) return undefined;
    return {
      traceId: value.slice(3, 35),
      spanId: value.slice(36, 52),
      traceFlags: Number.parseInt(value.slice(53), 16),
      isRemote: true,
    };
  }
  const m = TRACEPARENT.exec(value.trim());
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2] as string) || /^0+$/.test(m[3] as string)) return undefined;
  return {
    traceId: m[2] as string,
    spanId: m[3] as string,
    traceFlags: Number.parseInt(m[4] as string, 16),
    isRemote: true,
  };
}

const templates = new WeakMap<Telemetry, Map<string, Map<string, Template[]>>>();
let last: Template | undefined;

/** The template of (queue, job, group) for `t`, made on first use (the last one used is checked first). */
function templateOf(t: Telemetry, queue: string, job: string, group: string | undefined): Template {
  const l = last;
  if (l !== undefined && l.t === t && l.queue === queue && l.job === job && l.group === group) return l;
  let byQueue = templates.get(t);
  if (!byQueue) {
    byQueue = new Map();
    templates.set(t, byQueue);
  }
  let byJob = byQueue.get(queue);
  if (!byJob) {
    byJob = new Map();
    byQueue.set(queue, byJob);
  }
  let list = byJob.get(job);
  if (!list) {
    list = [];
    byJob.set(job, list);
  }
  let found = list.find((x) => x.group === group);
  if (!found) {
    const metricAttrs: Attributes = {
      'messaging.system': 'sluice',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': queue,
    };
    if (group !== undefined) metricAttrs['messaging.consumer.group.name'] = group;
    const attributes = { ...metricAttrs, 'sluice.job.name': job };
    found = {
      t,
      queue,
      job,
      group,
      name: `process ${queue}`,
      options: { kind: t.api.SpanKind.CONSUMER, attributes },
      root: t.api.ROOT_CONTEXT,
      attributes,
      metricAttrs,
      failedAttrs: new Map(),
    };
    list.push(found);
  }
  last = found;
  return found;
}

/** Start the process span (when tracing) and the process clock (when OTel metrics are on). */
export function startProcess(t: Telemetry, p: ProcessInfo): ProcessOp {
  const template = templateOf(t, p.queue, p.job, p.group);
  const startedAt = t.metrics ? performance.now() : 0;
  if (!t.tracer)
    return { span: undefined, dropped: false, dropParent: undefined, context: undefined, startedAt, template };
  const { api } = t;
  const asParent = t.useProducerAsParent && !p.parent;
  const creation = asParent ? parseTraceparent(p.trace) : undefined;
  const parent = creation ? api.trace.setSpanContext(template.root, creation) : (p.parent ?? template.root);
  let span: Span | undefined;
  if (t.drops && !p.parent) {
    // A worker's span has no ambient parent: root (links) or the creation context (useProducerAsParent).
    span = t.drops.start(template.name, template.options, parent, creation);
    if (!span) {
      // Known to be dropped: not started. It is made (ids only) when something can see it: a context manager
      // here, or processTraceparent for a push POST.
      if (!t.propagates)
        return { span: undefined, dropped: true, dropParent: creation, context: undefined, startedAt, template };
      span = t.drops.unsampled(creation);
      return {
        span,
        dropped: true,
        dropParent: creation,
        context: api.trace.setSpan(parent, span),
        startedAt,
        template,
      };
    }
  } else span = t.tracer.startSpan(template.name, template.options, parent);
  if (span.isRecording()) {
    span.setAttributes({ 'messaging.message.id': p.id, 'sluice.attempt': p.attempt });
    // The link to the creation context is added once the span records (a sampler does not see it: the head
    // samplers decide from the parent and the trace id); an unsampled job parses no traceparent.
    const link = asParent ? undefined : parseTraceparent(p.trace);
    if (link) span.addLink({ context: link });
  }
  // A non-recording span is still made active (when something can see it): a span the handler starts is then its
  // child, and follows its sampling decision.
  const context = t.propagates ? api.trace.setSpan(parent, span) : undefined;
  return { span, dropped: false, dropParent: undefined, context, startedAt, template };
}

/** Run `fn` with the process span active (when traced and a context manager is registered). */
export function inProcess<R>(t: Telemetry, op: ProcessOp, fn: () => R): R {
  return op.context ? t.api.context.with(op.context, fn) : fn();
}

/** The span's context as a traceparent (for a push POST); undefined when not traced. */
export function processTraceparent(t: Telemetry, op: ProcessOp | undefined): string | undefined {
  if (op && !op.span && op.dropped && t.drops) op.span = t.drops.unsampled(op.dropParent);
  const sc = op?.span?.spanContext();
  return sc && t.api.isSpanContextValid(sc) ? t.formatTraceparent(sc) : undefined;
}

/** End the process: `error.type` and status on failure, the consumed counter and the process duration. */
export function endProcess(t: Telemetry, op: ProcessOp, failed: boolean, err: unknown): void {
  const type = failed ? t.errorType(err) : undefined;
  const { span, template } = op;
  if (span) {
    if (type !== undefined && span.isRecording()) {
      span.setAttribute('error.type', type);
      span.setStatus({ code: t.api.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : undefined });
    }
    span.end();
  }
  if (!t.metrics) return;
  let attrs = template.metricAttrs;
  if (type !== undefined) {
    let a = template.failedAttrs.get(type);
    if (!a) {
      a = { ...attrs, 'error.type': type };
      template.failedAttrs.set(type, a);
    }
    attrs = a;
  }
  t.metrics.consumed.add(1, attrs);
  t.metrics.processDuration.record((performance.now() - op.startedAt) / 1000, attrs);
}
