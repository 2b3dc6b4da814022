import { describe, expect, it } from 'vitest';
import { SluiceArgumentError } from '../errors.js';
import { encodeResult } from './ack-keep.js';
import { encodeProgress } from './progress.js';

describe('encodeProgress', () => {
  it('takes a number 0-100 or a plain JSON object up to 4096 bytes, and names the rule otherwise', () => {
    expect(encodeProgress(0)).toBe('0');
    expect(encodeProgress(99.5)).toBe('99.5');
    expect(encodeProgress({ step: 'a', n: 1 })).toBe('{"step":"a","n":1}');
    expect(() => encodeProgress(-1)).toThrow(SluiceArgumentError);
    expect(() => encodeProgress(Number.POSITIVE_INFINITY)).toThrow('got Infinity');
    expect(() => encodeProgress(null)).toThrow('got null');
    expect(() => encodeProgress({ a: 'x'.repeat(4100) })).toThrow(/over the limit of 4096/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => encodeProgress(loop)).toThrow(/not JSON-serializable/);
  });
});

describe('encodeResult', () => {
  it('stores JSON (undefined as null), or a note when too large or not JSON', () => {
    expect(encodeResult({ a: 1 }, 100)).toBe('r{"a":1}');
    expect(encodeResult(undefined, 100)).toBe('rnull');
    expect(encodeResult('x'.repeat(200), 100)).toBe(
      'eresult not kept: 202 bytes of JSON, over the limit of 100 (maxPayloadBytes)',
    );
    expect(encodeResult(10n, 100)).toMatch(/^eresult not kept: it is not JSON-serializable/);
  });
});
