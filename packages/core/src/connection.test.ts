import { ErrorReply, SimpleError } from '@redis/client';
import { describe, expect, it } from 'vitest';
import { isErrorReply } from './connection.js';

describe('isErrorReply', () => {
  it("knows @redis/client's error replies, also from another copy of the package (by class name)", () => {
    expect(isErrorReply(new ErrorReply('BUSY running a script'))).toBe(true);
    expect(isErrorReply(new SimpleError('TRYAGAIN'))).toBe(true);
    // an application's own @redis/client (core's dist bundles its own copy): same names, other classes
    class OtherErrorReply extends Error {}
    Object.defineProperty(OtherErrorReply, 'name', { value: 'ErrorReply' });
    class OtherSimpleError extends OtherErrorReply {}
    expect(isErrorReply(new OtherErrorReply('LOADING'))).toBe(true);
    expect(isErrorReply(new OtherSimpleError('LOADING'))).toBe(true);
  });

  it('is false for other errors and for values that are not errors', () => {
    expect(isErrorReply(new Error('socket closed'))).toBe(false);
    expect(isErrorReply(new TypeError('x'))).toBe(false);
    expect(isErrorReply({ constructor: { name: 'ErrorReply' }, message: 'x' })).toBe(false);
    expect(isErrorReply(undefined)).toBe(false);
  });
});
