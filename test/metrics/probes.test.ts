/**
 * /readyz follows Redis (200, 503 while the server is down, 200 again once it is back) on a dedicated
 * redis-server stopped by its pid; queue gauges are read at most once per cache interval (XINFO counted with
 * INFO commandstats).
 */
import { createClient } from '@redis/client';
import { defineJob } from '@sluice/core';
import { createWorker, type WorkerOptions } from '@sluice/worker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { freePort, type StartedRedis, startRedisServer } from '../redis-server.js';
import { startTracked, testKnobs } from '../worker/harness.js';
import { get, scrape } from './metrics-helpers.js';
import { sampleValue } from './prom-text.js';

const job = defineJob({ name: 'probe', handler: () => {} });

/** A worker with the test knobs on the dedicated server. */
const startOnDedicated = async (opts: Omit<WorkerOptions, 'url' | 'prefix'>) =>
  startTracked(await createWorker({ ...testKnobs(), url: redis.url, prefix: uniquePrefix(), ...opts }));

let redis: StartedRedis;
beforeEach(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  await redis.stop();
});

/** Calls of XINFO (any subcommand) the server has answered since the last CONFIG RESETSTAT. */
async function xinfoCalls(url: string): Promise<number> {
  const c = createClient({ url, socket: { reconnectStrategy: false } });
  c.on('error', () => {});
  await c.connect();
  try {
    const info = String(await c.sendCommand(['INFO', 'commandstats']));
    return [...info.matchAll(/^cmdstat_xinfo[^:]*:calls=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  } finally {
    c.destroy();
  }
}

describe('metrics probes and scrape cost', () => {
  it('/readyz is 200 while Redis answers, 503 once it is stopped, 200 again when it is back', async () => {
    const port = await freePort();
    const w = await startOnDedicated({
      jobs: [job],
      metrics: { port, host: '127.0.0.1', timeoutMs: 300 },
    });
    expect(await get(port, '/readyz')).toEqual({ status: 200, body: 'ready\n', type: 'text/plain; charset=utf-8' });
    const redisPort = redis.port;
    await redis.stop();
    const down = await waitFor(async () => {
      const r = await get(port, '/readyz');
      return r.status === 503 ? r : undefined;
    }, '/readyz 503');
    expect(down.body).toMatch(/^not ready: /);
    expect((await get(port, '/healthz')).status).toBe(200);
    // the counters are still served while the queue gauges cannot be read
    const m = await scrape(port);
    expect(m.get('sluice_queue_ready')?.samples).toEqual([]);
    expect(sampleValue(m, 'sluice_build_info')).toBe(1);
    redis = await startRedisServer({ port: redisPort });
    await waitFor(async () => (await get(port, '/readyz')).status === 200, '/readyz 200 again', 15_000);
    await w.stop();
  });

  it('reads the queue gauges once per cache interval, not once per scrape', async () => {
    const port = await freePort();
    const w = await startOnDedicated({
      jobs: [job],
      queues: ['probe', 'other'],
      metrics: { port, host: '127.0.0.1', cacheMs: 600_000 },
      lease: 60_000, // the reclaimers reap (XINFO CONSUMERS) on their first sweep, then not for 120 leases
    });
    // the worker's own XINFO: one XINFO CONSUMERS per queue, by its reclaimer's first sweep; wait for both
    await waitFor(async () => (await xinfoCalls(redis.url)) === 2, "the worker's first XINFO per queue");
    const before = await xinfoCalls(redis.url);
    await scrape(port);
    const first = (await xinfoCalls(redis.url)) - before;
    expect(first).toBe(4); // XINFO GROUPS + XINFO CONSUMERS, for each of the two queues
    await Promise.all([scrape(port), scrape(port), scrape(port)]);
    expect((await xinfoCalls(redis.url)) - before).toBe(first);
    await w.stop();
  });
});
