/**
 * The reclaim sweep of a queue with nothing to reclaim is one read-only XPENDING (IDLE <lease>), not the claim
 * script (EVALSHA with XPENDING, XAUTOCLAIM and TIME inside): the idle worker's command budget. An entry abandoned
 * past the lease is still claimed by the next sweep and runs. On a dedicated redis-server, so INFO commandstats
 * counts this file's commands only.
 */
import { createSluice, defineJob, type Sluice } from '@sluice/core';
import { GROUP } from '@sluice/core/internal';
import { createWorker, type Worker } from '@sluice/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { groupCreated } from '../queue-fixtures.js';
import { type StartedRedis, startRedisServer } from '../redis-server.js';

let redis: StartedRedis;
let s: Sluice;
let w: Worker | undefined;
const prefix = uniquePrefix();

beforeAll(async () => {
  redis = await startRedisServer();
  s = await createSluice({ url: redis.url, prefix });
}, 30_000);
afterAll(async () => {
  await w?.stop();
  await s?.close();
  await redis?.stop();
});

/** Calls of `cmd` the server has answered so far (commands inside scripts count too). */
async function calls(cmd: string): Promise<number> {
  const info = String(await s.connection.send(['INFO', 'commandstats']));
  return Number(new RegExp(`^cmdstat_${cmd}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
}

describe('the reclaim sweep of an idle queue', () => {
  it('asks one XPENDING per sweep and claims only when an entry is past its lease', async () => {
    const ran: string[] = [];
    const job = defineJob({ name: 'sweep-me', handler: (p: { n: string }) => void ran.push(p.n) });
    w = await createWorker({ url: redis.url, prefix, jobs: [job], lease: 300, logger: { level: 'silent' } });
    await w.start();
    const before = await calls('xpending');
    // several sweeps of the empty queue (one every lease): each one XPENDING, and no claim script ran
    await waitFor(async () => (await calls('xpending')) >= before + 4, 'four sweeps of the empty queue', 30_000);
    expect(await calls('xautoclaim')).toBe(0);

    // a job delivered to a consumer that died holding it: the next sweep past its lease claims it and runs it
    const k = s.keys('sweep-me');
    await groupCreated(s.connection, k);
    const lua = `local id = redis.call('XADD', KEYS[1], '*', 'name', 'sweep-me', 'data', ARGV[3])
redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', '1', 'STREAMS', KEYS[1], '>')
return id`;
    await s.connection.send(['EVAL', lua, '1', k.stream, GROUP, 'dead:1:x', '{"n":"abandoned"}'], k.stream);
    await waitFor(() => ran.includes('abandoned'), 'the abandoned job to be reclaimed and run', 30_000);
    expect(await calls('xautoclaim')).toBeGreaterThan(0);
  });
});
