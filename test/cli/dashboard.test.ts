/**
 * `sluice dashboard`: refuses to serve without a token (unless --unsafe-no-auth, and then only on loopback), reads
 * the token from an environment variable, binds 127.0.0.1 by default, serves the page and the API under
 * --base-path, honours --read-only, never prints the token, and stops on Ctrl-C.
 */
import { captureOutput, dashboardCommand, resolveDashboardCommand } from '@sluice/cli';
import { describe, expect, it } from 'vitest';
import { freePort } from '../redis-server.js';
import { waitFor } from '../wait.js';
import { conn, run } from './cli-helpers.js';

const TOKEN = 'cli-dashboard-token-0123456789';

describe('sluice dashboard', () => {
  it('refuses to start without a token, an unsafe no-auth off loopback, and bad flags (usage errors)', async () => {
    const c = conn();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /--port is required/],
      [{ port: '8080' }, /needs a token: --token-env NAME .* or --unsafe-no-auth/],
      [{ port: '8080', tokenEnv: 'NOPE_UNSET' }, /NOPE_UNSET: that environment variable is not set/],
      [{ port: '8080', tokenEnv: 'bad name' }, /--token-env expects the name of an environment variable/],
      [{ port: '8080', tokenEnv: 'T', env: { T: 'short' } }, /at least 16 characters/],
      [{ port: '8080', unsafeNoAuth: true, host: '0.0.0.0' }, /--unsafe-no-auth .* only with --host 127\.0\.0\.1/],
      [{ port: '8080', tokenEnv: 'T', env: { T: TOKEN }, basePath: 'nope' }, /--base-path expects/],
      [{ port: '70000', unsafeNoAuth: true }, /--port expects a port/],
    ];
    for (const [o, msg] of cases) {
      const r = await run((io) => dashboardCommand({ ...c, ...o }, io));
      expect({ o, code: r.code, err: r.stderr.join('\n') }).toEqual({ o, code: 2, err: expect.stringMatching(msg) });
    }
    expect(resolveDashboardCommand({ port: 0, unsafeNoAuth: true })).toMatchObject({
      host: '127.0.0.1',
      basePath: '/',
    });
  });

  it('serves the page and the API with the token from the environment, under --base-path, read-only', async () => {
    const c = conn();
    const port = await freePort();
    const stop = new AbortController();
    const io = captureOutput();
    const done = run(
      (o) =>
        dashboardCommand(
          {
            ...c,
            port,
            tokenEnv: 'DASH_T',
            env: { DASH_T: TOKEN },
            basePath: '/ops/queues',
            readOnly: true,
            signal: stop.signal,
          },
          o,
        ),
      io,
    );
    await waitFor(() => io.stdout.length > 0, 'the dashboard to listen');
    expect(io.stdout[0]).toBe(
      `serving the dashboard on http://127.0.0.1:${port}/ops/queues/ (open it with ?token=<the value of DASH_T>), read-only`,
    );
    const base = `http://127.0.0.1:${port}/ops/queues`;
    expect((await fetch(`${base}/api/session`)).status).toBe(401);
    const link = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(link.status).toBe(303);
    const cookie = (link.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const page = await fetch(`${base}/`, { headers: { cookie } });
    expect(await page.text()).toContain('<base href="/ops/queues/">');
    const session = (await (await fetch(`${base}/api/session`, { headers: { cookie } })).json()) as object;
    expect(session).toMatchObject({ readOnly: true, role: 'admin' });
    const pause = await fetch(`${base}/api/queues/q/pause`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
      body: '{}',
    });
    expect(pause.status).toBe(403);
    stop.abort();
    const r = await done;
    expect(r.code).toBe(0);
    expect([...r.stdout, ...r.stderr].join('\n')).not.toContain(TOKEN);
  });
});
