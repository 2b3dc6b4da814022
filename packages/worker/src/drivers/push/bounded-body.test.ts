import { defineJob } from '@sluice/core';
import { DEFAULTS } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PUSH_PAYLOAD_BYTES, maxBodyFor, readBoundedBody } from './bounded-body.js';
import { createFetchHandler } from './fetch-handler.js';

const CHUNK = 16 * 1024;

/** A POST whose streamed body offers up to `chunks` chunks and counts the bytes pulled from it. */
function streamed(chunks: number, headers: Record<string, string> = {}) {
  let pulled = 0;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(ctrl) {
        if (sent++ >= chunks) return ctrl.close();
        pulled += CHUNK;
        ctrl.enqueue(new Uint8Array(CHUNK));
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request('http://h/sluice', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return { request, pulled: () => pulled };
}

describe('bounded push body', () => {
  it('the fetch handler answers 413 for a streamed body over the limit and stops pulling at the limit', async () => {
    const max = 4 * CHUNK;
    const h = createFetchHandler({ jobs: [], secrets: 's', maxBodyBytes: max });
    const { request, pulled } = streamed(1000);
    const res = await h(request);
    expect(res.status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(max + CHUNK);
  });

  it('a declared content-length over the limit is refused before a byte is pulled', async () => {
    const { request, pulled } = streamed(1000, { 'content-length': String(50 * 1024 * 1024) });
    expect(await readBoundedBody(request, CHUNK)).toBeUndefined();
    expect(pulled()).toBe(0);
  });

  it('a body within the limit is read whole', async () => {
    const { request } = streamed(3);
    expect((await readBoundedBody(request, 3 * CHUNK))?.length).toBe(3 * CHUNK);
  });

  it("the default limit follows maxPayloadBytes, whose default is core's", () => {
    expect(DEFAULT_PUSH_PAYLOAD_BYTES).toBe(DEFAULTS.maxPayloadBytes);
    const job = defineJob({ name: 'x', handler: () => undefined });
    expect(createFetchHandler({ jobs: [job], secrets: 's' }).maxBodyBytes).toBe(maxBodyFor(DEFAULTS.maxPayloadBytes));
    expect(createFetchHandler({ jobs: [job], secrets: 's', maxPayloadBytes: 4 << 20 }).maxBodyBytes).toBe(
      (4 << 20) + 65_536,
    );
  });
});
