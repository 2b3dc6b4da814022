/**
 * The 1M-ready-jobs case, on a private redis-server: with 1,000,000 ready jobs in a queue (filled with
 * XADDs in scripts of 10,000, as enqueue writes them) the overview and the queue page's first page (and a
 * search page, which reads a bounded chunk) answer correctly. Their times are printed (docs/dashboard.md quotes
 * them), never asserted.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@redis/client';
import { envelopeFields, GROUP, queueKeys, queuesKey } from '@sluice/core/internal';
import { createDashboard, toNodeListener } from '@sluice/dashboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedRedis, startRedisServer } from '../redis-server.js';
import { TOKEN } from './harness.js';

const N = 1_000_000;
const BATCH = 10_000;
let redis: StartedRedis;

beforeAll(async () => {
  redis = await startRedisServer();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

describe('a queue with 1M ready jobs', () => {
  it('the overview and the queue page answer correctly', { timeout: 180_000 }, async () => {
    const k = queueKeys('big', 'bulk');
    const c = createClient({ url: redis.url });
    c.on('error', () => {});
    await c.connect();
    const t0 = performance.now();
    await c.sendCommand(['XGROUP', 'CREATE', k.stream, GROUP, '0', 'MKSTREAM']);
    await c.sendCommand(['SADD', queuesKey('big'), 'bulk']);
    // 100 script calls of 10,000 XADDs each: an immediate job as enqueue writes it (no id field: its entry id is
    // its id; fields from core's envelopeFields), payload {"n":<i>}
    const f = envelopeFields(
      { id: '', name: 'bulk', data: '', attempt: 1, enqueuedAt: 1_700_000_000_000 },
      false,
      false,
    );
    const fill = `for i = 0, tonumber(ARGV[2]) - 1 do
  redis.call('XADD', KEYS[1], '*', ARGV[3], '{"n":' .. (tonumber(ARGV[1]) + i) .. '}')
end`;
    expect(f).toEqual(['\u001fbulk', '']);
    for (let i = 0; i < N; i += BATCH) {
      await c.sendCommand(['EVAL', fill, '1', k.stream, String(i), String(BATCH), f[0] as string]);
    }
    const fillMs = performance.now() - t0;
    expect(Number(await c.sendCommand(['XLEN', k.stream]))).toBe(N);

    const h = createDashboard({ url: redis.url, prefix: 'big', token: TOKEN });
    const server = createServer(toNodeListener(h));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = async (path: string) => {
      const t = performance.now();
      const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = (await r.json()) as Record<string, unknown>;
      return { status: r.status, body, ms: performance.now() - t };
    };
    try {
      await get('/api/session'); // connects
      const overview = await get('/api/overview');
      expect(overview.status).toBe(200);
      expect(overview.body.queues).toEqual([expect.objectContaining({ queue: 'bulk', ready: N, running: 0, dead: 0 })]);
      const page = await get('/api/queues/bulk/jobs?state=ready&limit=50');
      expect(page.status).toBe(200);
      const jobs = page.body.jobs as { data: string }[];
      expect(jobs.map((j) => JSON.parse(j.data).n)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(page.body.cursor).toEqual(expect.any(String));
      const last = await get('/api/queues/bulk/jobs?state=ready&limit=50&order=newest');
      expect(JSON.parse((last.body.jobs as { data: string }[])[0]?.data ?? '{}').n).toBe(N - 1);
      const search = await get('/api/queues/bulk/jobs?state=ready&limit=50&search=%22n%22%3A777');
      expect(search.status).toBe(200);
      expect((search.body.jobs as { data: string }[]).map((j) => j.data)).toEqual(['{"n":777}']);
      console.info(
        `[1M ready jobs] fill ${(fillMs / 1000).toFixed(1)} s; overview ${overview.ms.toFixed(1)} ms; ready page ${page.ms.toFixed(1)} ms; newest page ${last.ms.toFixed(1)} ms; search page (1000 read) ${search.ms.toFixed(1)} ms`,
      );
    } finally {
      await h.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await c.close();
    }
  });
});
