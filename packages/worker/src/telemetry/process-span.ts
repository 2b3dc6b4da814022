/**
 * The `process <queue>` CONSUMER span around a handler and the consumer metrics (OpenTelemetry messaging
 * conventions, see core's telemetry.ts). The span LINKS to the job's creation context (the `trace` written at
 * enqueue); with `useProducerAsParent` it is the parent instead. Under a push request the parent is the request's
 * context and the creation context is a link. Edge-safe: type imports only (the push fetch handler uses it).
 */
import type { Attributes, Context, Link, Span, SpanContext } from '@opentelemetry/api';
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

/** A started process operation. */
export interface ProcessOp {
  readonly span: Span | undefined;
  /** The context with the span active (run the handler in it); undefined when not traced. */
  readonly context: Context | undefined;
  readonly startedAt: number;
  readonly queue: string;
  readonly group: string | undefined;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** A W3C `traceparent` as a remote span context; undefined when absent, malformed or all-zero. */
export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  const m = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2] as string) || /^0+$/.test(m[3] as string)) return undefined;
  return {
    traceId: m[2] as string,
    spanId: m[3] as string,
    traceFlags: Number.parseInt(m[4] as string, 16),
    isRemote: true,
  };
}

/** Start the process span (when tracing) and the process clock. */
export function startProcess(t: Telemetry, p: ProcessInfo): ProcessOp {
  const startedAt = performance.now();
  if (!t.tracer) return { span: undefined, context: undefined, startedAt, queue: p.queue, group: p.group };
  const { api } = t;
  const creation = parseTraceparent(p.trace);
  let parent = p.parent ?? api.ROOT_CONTEXT;
  const links: Link[] = [];
  if (creation) {
    if (t.useProducerAsParent && !p.parent) parent = api.trace.setSpanContext(api.ROOT_CONTEXT, creation);
    else links.push({ context: creation });
  }
  const attributes: Attributes = {
    'messaging.system': 'sluice',
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': p.queue,
    'messaging.message.id': p.id,
    'sluice.job.name': p.job,
    'sluice.attempt': p.attempt,
  };
  if (p.group !== undefined) attributes['messaging.consumer.group.name'] = p.group;
  const span = t.tracer.startSpan(`process ${p.queue}`, { kind: api.SpanKind.CONSUMER, attributes, links }, parent);
  return { span, context: api.trace.setSpan(parent, span), startedAt, queue: p.queue, group: p.group };
}

/** Run `fn` with the process span active (when traced). */
export function inProcess<R>(t: Telemetry, op: ProcessOp, fn: () => R): R {
  return op.context ? t.api.context.with(op.context, fn) : fn();
}

/** The span's context as a traceparent (for a push POST); undefined when not traced. */
export function processTraceparent(t: Telemetry, op: ProcessOp | undefined): string | undefined {
  const sc = op?.span?.spanContext();
  return sc && t.api.isSpanContextValid(sc) ? t.formatTraceparent(sc) : undefined;
}

/** End the process: `error.type` and status on failure, the consumed counter and the process duration. */
export function endProcess(t: Telemetry, op: ProcessOp, failed: boolean, err: unknown): void {
  const type = failed ? t.errorType(err) : undefined;
  if (op.span) {
    if (type !== undefined) {
      op.span.setAttribute('error.type', type);
      op.span.setStatus({ code: t.api.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : undefined });
    }
    op.span.end();
  }
  if (!t.metrics) return;
  const attrs: Attributes = {
    'messaging.system': 'sluice',
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': op.queue,
  };
  if (op.group !== undefined) attrs['messaging.consumer.group.name'] = op.group;
  if (type !== undefined) attrs['error.type'] = type;
  t.metrics.consumed.add(1, attrs);
  t.metrics.processDuration.record((performance.now() - op.startedAt) / 1000, attrs);
}
