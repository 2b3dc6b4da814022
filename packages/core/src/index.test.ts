import { describe, expect, it } from 'vitest';
import * as core from './index.js';
import * as internal from './internal.js';

describe('public API', () => {
  it('the root exports only the values the README lists; internals live in @sluice/core/internal', () => {
    expect(Object.keys(core).sort()).toEqual([
      'EnqueueManyError',
      'JobValidationError',
      'SEMCONV_VERSION',
      'SluiceArgumentError',
      'UnexpectedReplyError',
      'UnrecoverableError',
      'UnsupportedServerError',
      'WaitForError',
      'createSluice',
      'createStreams',
      'defineJob',
      'isBusyGroupError',
      'isNoGroupError',
      'loadTelemetry',
      'streamsFor',
    ]);
    for (const name of Object.keys(core)) expect(Object.keys(internal), name).not.toContain(name);
  });
});
