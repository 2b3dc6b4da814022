import { describe, expect, it } from 'vitest';
import { parseTraceparent } from './process-span.js';

describe('parseTraceparent', () => {
  it('reads a later version with more fields, and surrounding spaces (the general path)', () => {
    expect(parseTraceparent(' 01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-what-ever ')).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 0,
      isRemote: true,
    });
  });

  it('reads a W3C traceparent as a remote span context', () => {
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      isRemote: true,
    });
  });

  it('refuses absent, malformed, version ff and all-zero ids', () => {
    for (const bad of [
      undefined,
      null,
      '',
      'garbage',
      'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      '00-00000000000000000000000000000000-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
      '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g',
      '0g-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      '00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331_01',
    ])
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
  });
});
