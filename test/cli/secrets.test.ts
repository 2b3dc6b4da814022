/**
 * The CLI never prints a secret: credentials in `--to` are refused (with the header option offered), a secret
 * given to `--secret-env` by mistake is refused unprinted, and a Redis URL is redacted by structure (a raw `/` or
 * `@` in the password included) or, when it does not parse, not printed at all.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolvePushOptions, workerPushCommand } from '@sluice/cli';
import { createSluice } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { track, waitFor } from '../helpers.js';
import { conn, run, startSluice } from './cli-helpers.js';

const env = { PUSH_SECRET: 'sig-secret', HOOK_AUTH: 'Bearer gw-token-1' };
const base = () => ({ ...conn(), to: 'https://h.example/x', secretEnv: 'PUSH_SECRET', env, queues: ['q'] });

describe('sluice worker push: secrets', () => {
  it('refuses credentials in --to at start and offers --header-env; prints neither the password nor the token', async () => {
    const r = await run((io) =>
      workerPushCommand({ ...base(), to: 'https://ada:hunter2@h.example/hook?token=t0ken' }, io),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      'sluice: --to must not carry credentials (user:password@h.example): put the secret in an environment variable and send it as a header, e.g. --header-env Authorization=HOOK_AUTH',
    ]);
  });

  it('a --to that does not parse is not echoed', async () => {
    const r = await run((io) => workerPushCommand({ ...base(), to: 'https://ada:hun/ter2@:x' }, io));
    expect(r.code).toBe(2);
    expect(r.stderr.join('\n')).toMatch(/--to expects an http\(s\) URL/);
    expect(r.stderr.join('\n')).not.toContain('hun');
  });

  it.each(['s3cr3t-value/with+base64==', 'Bearer abc', '1SECRET'])(
    '--secret-env %j (a value, not a name) is refused without printing it',
    async (value) => {
      const r = await run((io) => workerPushCommand({ ...base(), secretEnv: value }, io));
      expect(r.code).toBe(2);
      expect(r.stderr).toEqual([
        'sluice: --secret-env expects the name of an environment variable (letters, digits and _, not starting with a digit), not its value; the value given is not shown',
      ]);
    },
  );

  it('--header-env reads header values from the environment; a bad spec or value is refused unprinted', async () => {
    expect(resolvePushOptions({ ...base(), headerEnv: ['Authorization=HOOK_AUTH'] }).headers).toEqual({
      authorization: 'Bearer gw-token-1',
    });
    const bad = await run((io) => workerPushCommand({ ...base(), headerEnv: ['Authorization=Bearer xyz'] }, io));
    expect(bad.code).toBe(2);
    expect(bad.stderr.join('\n')).not.toContain('xyz');
    const unset = await run((io) => workerPushCommand({ ...base(), headerEnv: ['X-Key=NOPE_UNSET'] }, io));
    expect(unset.stderr).toEqual(['sluice: --header-env X-Key=NOPE_UNSET: NOPE_UNSET is not set or empty']);
  });

  it('the pushed requests carry the --header-env header', async () => {
    const c = conn();
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    let open = true;
    const close = () =>
      new Promise<void>((r) => {
        open = false;
        server.closeAllConnections();
        server.close(() => r());
      });
    track({ label: 'header server', isOpen: () => open, forceClose: close });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sluice`;
    const args = [
      'worker',
      'push',
      '--to',
      url,
      '--secret-env',
      'PUSH_SECRET',
      '--header-env',
      'Authorization=HOOK_AUTH',
    ];
    const p = startSluice([...args, '--queue', 'q', '--log-level', 'warn', '--redis', c.redis, '--prefix', c.prefix], {
      env,
    });
    const s = await createSluice({ url: c.redis, prefix: c.prefix });
    await s.enqueue('q', {});
    await s.close();
    await waitFor(() => seen.length === 1, 'the job to be pushed', 15_000);
    expect(seen[0]?.authorization).toBe('Bearer gw-token-1');
    p.child.kill('SIGTERM');
    expect((await p.done).code).toBe(0);
    await close();
  });
});

describe('Redis URLs in messages', () => {
  it.each([
    ['--redis', 'redis://app:Zm9v/YmFy+==@127.0.0.1:6379'],
    ['--redis', 'redis://app:a/b@c@127.0.0.1:6379'],
    ['--redis-cluster', 'redis://app:Zm9v/YmFy@127.0.0.1:7000'],
  ])('%s with a raw / in the password: the value is not printed', async (flag, url) => {
    const r = await run((io) =>
      workerPushCommand({ ...base(), [flag === '--redis' ? 'redis' : 'redisCluster']: url }, io),
    );
    expect(r.code).toBe(2);
    expect(r.stderr.join('\n')).toContain('not shown, it may hold a secret');
    for (const part of ['Zm9v', 'YmFy', 'a/b', 'c@']) expect(r.stderr.join('\n')).not.toContain(part);
  });

  it('a raw @ in the password is redacted by structure in the connection error', async () => {
    const r = await run((io) =>
      workerPushCommand({ ...base(), redis: 'redis://app:p@ss@127.0.0.1:1', to: 'http://127.0.0.1:1/x' }, io),
    );
    expect(r.code).toBe(2);
    expect(r.stderr.join('\n')).toContain('redis://app:***@127.0.0.1:1');
    expect(r.stderr.join('\n')).not.toContain('ss@');
  });
});
