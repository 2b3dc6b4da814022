import * as api from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { errorType, formatTraceparent, loadTelemetry, telemetryFrom } from './telemetry.js';

afterEach(() => {
  api.trace.disable();
  api.metrics.disable();
});

describe('loadTelemetry', () => {
  // Runs first in this file: no SDK has registered anything in this process yet.
  it('is undefined before any SDK registers (without loading the API), and finds one registered later', async () => {
    expect(await loadTelemetry()).toBeUndefined();
    const tracer = api.trace.getTracer('fake');
    api.trace.setGlobalTracerProvider({ getTracer: () => tracer });
    expect((await loadTelemetry())?.tracer).toBeDefined();
    expect(await loadTelemetry(false)).toBeUndefined();
  });
});

describe('telemetryFrom', () => {
  it('is undefined when no SDK is registered: the hot paths do no span or metric work', () => {
    expect(telemetryFrom(api, undefined)).toBeUndefined();
  });

  it('has a tracer and no instruments when only a tracer provider is registered', () => {
    const tracer = api.trace.getTracer('fake');
    api.trace.setGlobalTracerProvider({ getTracer: () => tracer });
    const t = telemetryFrom(api, { useProducerAsParent: true });
    expect(t?.tracer).toBeDefined();
    expect(t?.metrics).toBeUndefined();
    expect(t?.useProducerAsParent).toBe(true);
  });

  it('has instruments and no tracer when only a meter provider is registered', () => {
    const noop = api.createNoopMeter();
    const meter = {
      createCounter: noop.createCounter.bind(noop),
      createHistogram: noop.createHistogram.bind(noop),
    } as unknown as api.Meter; // not a NoopMeter: an SDK's
    api.metrics.setGlobalMeterProvider({ getMeter: () => meter });
    const t = telemetryFrom(api, undefined);
    expect(t?.tracer).toBeUndefined();
    expect(t?.metrics?.processDuration).toBeDefined();
  });
});

describe('formatTraceparent and errorType', () => {
  it('writes a W3C traceparent', () => {
    const sc = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    expect(formatTraceparent(sc)).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('names the error class; a plain Error is Error, a non-error is _OTHER', () => {
    class Boom extends Error {}
    expect(errorType(new Boom('x'))).toBe('Boom');
    expect(errorType(new TypeError('x'))).toBe('TypeError');
    expect(errorType(new Error('x'))).toBe('Error');
    expect(errorType('x')).toBe('_OTHER');
  });
});
