import { EnqueueManyError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { lineRanges, partialWriteMessage } from './commands/enqueue.js';

describe('the --ndjson partial-write report', () => {
  it('compresses line numbers into ranges', () => {
    expect(lineRanges([])).toBe('none');
    expect(lineRanges([4])).toBe('4');
    expect(lineRanges([1, 2, 3, 7, 9, 10])).toBe('1-3, 7, 9-10');
  });

  it('names the written, unwritten and unanswered lines by their line numbers (blank lines skipped)', () => {
    const lines = [1, 2, 4, 5, 6, 8]; // payload i came from line lines[i]
    const e = new EnqueueManyError('x', [0, 1], [4, 5], [2, 3], { cause: new Error('Socket closed unexpectedly') });
    expect(partialWriteMessage(e, lines)).toBe(
      '--ndjson: 2 lines of 6 written before Redis failed (Socket closed unexpectedly): written: lines 1-2; not written: lines 6, 8; sent without a reply, may or may not be written: lines 4-5',
    );
    const none = new EnqueueManyError('x', [0, 1, 2], [3, 4, 5], [], { cause: new Error('CLUSTERDOWN') });
    expect(partialWriteMessage(none, lines)).toBe(
      '--ndjson: 3 lines of 6 written before Redis failed (CLUSTERDOWN): written: lines 1-2, 4; not written: lines 5-6, 8',
    );
  });
});
