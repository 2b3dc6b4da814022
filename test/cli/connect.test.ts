import { createClient } from '@redis/client';
import { queueListCommand, statsCommand } from '@sluice/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from '../helpers.js';
import { freePort, type StartedRedis, startRedisServer } from '../redis-server.js';
import { run } from './cli-helpers.js';

describe('connection errors: one line naming the URL and the cause, exit 2, fast', () => {
  let secured: StartedRedis;
  beforeAll(async () => {
    secured = await startRedisServer();
    const admin = createClient({ url: secured.url, socket: { reconnectStrategy: false } });
    admin.on('error', () => {});
    await admin.connect();
    await admin.sendCommand(['CONFIG', 'SET', 'requirepass', 'right-password']);
    await admin.close();
  });
  afterAll(async () => {
    await secured?.stop();
  });

  it('unreachable Redis', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const r = await run((io) => statsCommand({ redis: url }, io));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r.code).toBe(2);
    expect(r.stdout).toEqual([]);
    expect(r.stderr).toEqual([`sluice: cannot connect to Redis at ${url}: connect ECONNREFUSED ${url.slice(8)}`]);
  });

  it('wrong credentials (password redacted)', async () => {
    const url = `redis://:wrong-password@127.0.0.1:${secured.port}`;
    const started = Date.now();
    const r = await run((io) => queueListCommand({ redis: url, prefix: uniquePrefix() }, io));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(
      new RegExp(`^sluice: cannot connect to Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${secured.port}: WRONGPASS`),
    );
    expect(r.stderr[0]).not.toContain('wrong-password');
  });

  it('no credentials where they are required', async () => {
    const r = await run((io) => queueListCommand({ redis: secured.url }, io));
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(/^sluice: cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+: NOAUTH/);
  });

  it('the right credentials work', async () => {
    const r = await run((io) =>
      queueListCommand({ redis: `redis://:right-password@127.0.0.1:${secured.port}`, json: true }, io),
    );
    expect([r.code, r.stdout]).toEqual([0, ['[]']]);
  });
});
