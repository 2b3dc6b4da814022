/**
 * The live overview over real HTTP: the event stream sends the overview at once and again when a count changes;
 * one poll per handler is shared by every open stream (counted on the Redis client the dashboard is given); the
 * poll stops when the last stream closes; a heartbeat comment keeps the stream open.
 */
import { createClient } from '@redis/client';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl, sleep, track, waitFor } from '../helpers.js';
import { startDashboard, type TestDashboard } from './harness.js';

/** An open event stream: the events parsed so far and the raw text. */
interface Stream {
  events: { event: string; data: unknown }[];
  raw: () => string;
  close: () => void;
}

async function openStream(d: TestDashboard): Promise<Stream> {
  const ctrl = new AbortController();
  const r = await d.get('/api/events', { signal: ctrl.signal });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: Stream['events'] = [];
  let text = '';
  let parsed = 0;
  void (async () => {
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += dec.decode(value, { stream: true });
        let end = text.indexOf('\n\n', parsed);
        while (end >= 0) {
          const block = text.slice(parsed, end);
          parsed = end + 2;
          const ev = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
          end = text.indexOf('\n\n', parsed);
        }
      }
    } catch {}
  })();
  return { events, raw: () => text, close: () => ctrl.abort() };
}

type Q = { queues: { queue: string; ready: number }[] };
const readyOf = (s: Stream) => (s.events.at(-1)?.data as Q | undefined)?.queues.find((q) => q.queue === 'mail')?.ready;

let d: TestDashboard | undefined;
afterEach(async () => {
  await d?.close();
  d = undefined;
});

describe('live overview (server-sent events)', () => {
  it('sends the overview at once, then the changed count after an enqueue, and a heartbeat comment', async () => {
    d = await startDashboard({ pollMs: 200, heartbeatMs: 300 });
    await d.s.enqueue('mail', { n: 1 });
    const s = await openStream(d);
    await waitFor(() => readyOf(s) === 1, 'the first overview');
    await d.s.enqueue('mail', { n: 2 });
    await waitFor(() => readyOf(s) === 2, 'the changed count');
    await waitFor(() => s.raw().includes(': ping\n\n'), 'a heartbeat');
    s.close();
    await waitFor(() => d?.handler.streams === 0, 'the stream to be dropped');
  });

  it('one poll per handler whatever the number of open pages, and none once they are closed', async () => {
    // the dashboard's own client, counting the overview reads (one SMEMBERS of the queue set per read)
    const client = createClient({ url: redisUrl() });
    let reads = 0;
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((args: string[], ...rest: unknown[]) => {
      if (String(args[0]).toUpperCase() === 'SMEMBERS') reads++;
      return (send as (...a: unknown[]) => Promise<unknown>)(args, ...rest);
    }) as typeof client.sendCommand;
    client.on('error', () => {});
    await client.connect();
    track({ label: 'dashboard client', isOpen: () => client.isOpen, forceClose: () => client.destroy() });
    d = await startDashboard({ client, pollMs: 100 });
    await d.s.enqueue('mail', {});
    const pages = [await openStream(d), await openStream(d), await openStream(d)];
    await waitFor(() => pages.every((p) => readyOf(p) === 1), 'every page to have the overview');
    expect(d.handler.streams).toBe(3);
    const before = reads;
    const t0 = Date.now();
    await sleep(1500);
    const during = reads - before;
    const elapsed = Date.now() - t0;
    // one read per poll interval at most (plus one in flight at each end), not one per page
    expect(during).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(during).toBeGreaterThan(0);
    for (const p of pages) p.close();
    await waitFor(() => d?.handler.streams === 0, 'every stream to be dropped');
    await sleep(150);
    const after = reads;
    await sleep(600);
    expect(reads).toBe(after);
    await d.close();
    await client.close();
  });
});
