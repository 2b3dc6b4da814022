import { describe, expect, it } from 'vitest';
import { METRICS_DEFAULTS, resolveMetricsOptions } from './options.js';

describe('resolveMetricsOptions', () => {
  it('applies the defaults (0.0.0.0, 5 s cache)', () => {
    expect(resolveMetricsOptions({ port: 9464 }, 'm')).toEqual({
      port: 9464,
      registry: undefined,
      ...METRICS_DEFAULTS,
    });
  });

  it('names the bad field', () => {
    expect(() => resolveMetricsOptions({ port: '9464' as unknown as number }, 'createWorker: metrics')).toThrow(
      'createWorker: metrics.port must be an integer from 0 to 65535; got "9464"',
    );
    expect(() => resolveMetricsOptions({ port: 1, host: ' ' }, 'x')).toThrow('x.host must be an interface address');
    expect(() => resolveMetricsOptions({ port: 1, timeoutMs: 0 }, 'x')).toThrow(
      'x.timeoutMs must be an integer from 1',
    );
    expect(() => resolveMetricsOptions({ port: 1, registry: {} as never }, 'x')).toThrow(
      'x.registry must be a prom-client Registry',
    );
    expect(() => resolveMetricsOptions(9464 as never, 'x')).toThrow('x must be an object like { port: 9464 }');
  });
});
