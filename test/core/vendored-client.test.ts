/**
 * Guard of the lean command table in core's vendored @redis/client (scripts/lean-redis-commands.mjs): clients of
 * that copy, set up the way core sets up its own (packages/core/src/connection.ts), connect with a password, an
 * ACL user and a name over RESP2 (AUTH, CLIENT SETNAME from the table) and RESP3 (HELLO), duplicate, and use
 * sharded pub/sub, with no "is not a function" anywhere. A future @redis/client that calls a command method the
 * lean table lacks fails here. The Redis Cluster half (slot discovery, READONLY) is test/cluster/vendored-client.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { buildLeanRedis, LEFT_OUT, type LeanRedis } from '../lean-redis.js';
import { type StartedRedis, startRedisServer } from '../redis-server.js';

const PASSWORD = 'lean-client-pw';
const USER = 'lean-user';
let redis: StartedRedis;
let lean: LeanRedis;
let remove = () => {};

beforeAll(async () => {
  ({ lean, remove } = await buildLeanRedis());
  redis = await startRedisServer();
  const admin = new lean.RedisClient({ url: redis.url, socket: { reconnectStrategy: false } });
  admin.on('error', () => {});
  await admin.connect();
  await admin.sendCommand(['ACL', 'SETUSER', USER, 'on', `>${PASSWORD}`, '~*', '&*', '+@all']);
  await admin.sendCommand(['CONFIG', 'SET', 'requirepass', PASSWORD]);
  await admin.close();
}, 60_000);

afterAll(async () => {
  await redis?.stop();
  remove();
});

/** A client of the lean copy as core's createSluiceClient makes one, recording every 'error' event. */
function leanClient(url: string, opts: { name?: string; RESP?: 2 | 3 }) {
  const errors: Error[] = [];
  const client = new lean.RedisClient({ url, disableClientInfo: true, socket: { reconnectStrategy: false }, ...opts });
  client.on('error', (e: Error) => errors.push(e));
  return { client, errors };
}

describe.each([2, 3] as const)('a client of the vendored @redis/client, RESP%i', (RESP) => {
  it.each([
    ['an ACL user and its password', `redis://${USER}:${PASSWORD}@127.0.0.1`, USER],
    ['the default user by password alone', `redis://:${PASSWORD}@127.0.0.1`, 'default'],
  ])('connects as %s, with a name; duplicates; sharded pub/sub', async (_, base, whoami) => {
    const name = `lean-${RESP}-${whoami}`;
    const { client, errors } = leanClient(`${base}:${redis.port}`, { name, RESP });
    await client.connect();
    const dup = client.duplicate();
    dup.on('error', (e: Error) => errors.push(e));
    try {
      expect(await client.sendCommand(['ACL', 'WHOAMI'])).toBe(whoami);
      expect(await client.sendCommand(['CLIENT', 'GETNAME'])).toBe(name);
      expect(/ resp=(\d)/.exec(String(await client.sendCommand(['CLIENT', 'INFO'])))?.[1]).toBe(String(RESP));
      await dup.connect();
      expect(await dup.sendCommand(['CLIENT', 'GETNAME'])).toBe(name);
      expect(dup.isReady).toBe(true);
      // sharded pub/sub: methods of the client class, not of the command table
      const channel = `${uniquePrefix()}:cancel`;
      const got: string[] = [];
      await dup.sSubscribe(channel, (m: string) => got.push(m));
      await client.sendCommand(['SPUBLISH', channel, 'one']);
      await waitFor(() => got.length === 1, 'the sharded message');
      await dup.sUnsubscribe(channel);
      expect(got).toEqual(['one']);
      for (const m of LEFT_OUT) expect(Reflect.get(client, m), m).toBeUndefined();
    } finally {
      dup.destroy();
      await client.close();
    }
    expect(client.isOpen).toBe(false);
    expect(errors.map(String)).toEqual([]);
  });

  it('a wrong password is the copy own ErrorReply (WRONGPASS), not a TypeError', async () => {
    const { client } = leanClient(`redis://${USER}:wrong@127.0.0.1:${redis.port}`, { name: 'lean-wrong', RESP });
    const failed = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (client.isOpen) client.destroy();
    expect(failed).toBeInstanceOf(lean.ErrorReply);
    expect(String(failed)).toMatch(/WRONGPASS/);
  });
});

describe('what the vendored @redis/client leaves out or reshapes (scripts/vendor-edits.mjs)', () => {
  it('decodes blob strings straight from the chunk: multi-byte UTF-8, empty, and strings across chunks', async () => {
    const { client, errors } = leanClient(`redis://:${PASSWORD}@127.0.0.1:${redis.port}`, { RESP: 3 });
    await client.connect();
    const key = `${uniquePrefix()}:utf8`;
    const values = [
      '',
      'plain',
      'zażółć gęślą jaźń \u{1F642} \u00e9\u0301',
      `${'x'.repeat(200_000)}\u00fc${'y'.repeat(70_000)}`,
    ];
    try {
      for (const v of values) {
        await client.sendCommand(['RPUSH', key, v]);
      }
      expect(await client.sendCommand(['LRANGE', key, '0', '-1'])).toEqual(values);
      for (const [i, v] of values.entries()) expect(await client.sendCommand(['LINDEX', key, String(i)])).toBe(v);
    } finally {
      await client.sendCommand(['DEL', key]);
      await client.close();
    }
    expect(errors.map(String)).toEqual([]);
  });

  it('legacy mode throws a clear error instead of loading', () => {
    const { client } = leanClient(`redis://127.0.0.1:${redis.port}`, {});
    expect(() => client.legacy()).toThrow("Sluice's copy of @redis/client leaves out legacy mode");
  });

  it("the cluster's command table, as one JSON.parse, is the same value as the package's literal", async () => {
    const { jsonData } = (await import(new URL('../../scripts/vendor-edits.mjs', import.meta.url).href)) as {
      jsonData: (text: string, name: string) => string;
    };
    const pkg = dirname(createRequire(join(process.cwd(), 'packages/core/')).resolve('@redis/client/package.json'));
    const text = readFileSync(join(pkg, 'dist/lib/command-metadata/command-metadata-data.js'), 'utf8');
    const load = (source: string) => {
      const exports: Record<string, unknown> = {};
      new Function('exports', source)(exports);
      return exports.COMMAND_METADATA;
    };
    const edited = jsonData(text, 'COMMAND_METADATA');
    expect(edited).toContain('exports.COMMAND_METADATA = JSON.parse(');
    expect(edited.length).toBeLessThan(text.length);
    expect(load(edited)).toEqual(load(text));
    expect(JSON.stringify(load(edited)).length).toBeGreaterThan(50_000);
  });
});
