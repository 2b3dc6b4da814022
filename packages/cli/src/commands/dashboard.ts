/**
 * `sluice dashboard`: serve the web dashboard (@sluice/dashboard) on node:http until Ctrl-C. Binds 127.0.0.1
 * unless `--host` says otherwise; needs a token from an environment variable (`--token-env`, never a flag: flags
 * show in `ps`), or an explicit `--unsafe-no-auth`, which is refused on an interface other than loopback.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboard, normalizeBasePath, toNodeListener } from '@sluice/dashboard';
import { type ConnectOptions, openSluice } from '../connect.js';
import { usageError } from '../errors.js';
import type { Output } from '../output.js';
import { parsePort } from '../parse.js';

/** Options of {@link dashboardCommand}, as typed on the command line. */
export interface DashboardCommandOptions extends ConnectOptions {
  /** `--port` (required): port to serve on (0 picks a free one). */
  port?: number | string | undefined;
  /** `--host`: interface to bind (default 127.0.0.1). */
  host?: string | undefined;
  /** `--read-only`: refuse every action (default false). */
  readOnly?: boolean | undefined;
  /** `--token-env NAME`: the environment variable holding the token (default none). */
  tokenEnv?: string | undefined;
  /** `--base-path`: path to serve under, e.g. /admin/queues (default /). */
  basePath?: string | undefined;
  /** `--unsafe-no-auth`: serve without a token, loopback only (default false). */
  unsafeNoAuth?: boolean | undefined;
  /** Environment to read the token from (default `process.env`). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Stops the server when aborted (Ctrl-C). Default: runs until the process ends. */
  signal?: AbortSignal | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Check the flags of `sluice dashboard`; each bad value is a usage error naming its flag. */
export function resolveDashboardCommand(opts: DashboardCommandOptions) {
  if (opts.port === undefined) throw usageError('--port is required, e.g. --port 8080');
  const port = parsePort(opts.port, '--port');
  const host = opts.host ?? '127.0.0.1';
  if (host.trim() === '') throw usageError('--host expects an interface address like 127.0.0.1 or 0.0.0.0');
  const env = opts.env ?? process.env;
  let token: string | undefined;
  if (opts.tokenEnv !== undefined) {
    if (opts.unsafeNoAuth) throw usageError('--token-env and --unsafe-no-auth exclude each other');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.tokenEnv)) {
      throw usageError(`--token-env expects the name of an environment variable; got ${JSON.stringify(opts.tokenEnv)}`);
    }
    token = env[opts.tokenEnv];
    if (!token) throw usageError(`--token-env ${opts.tokenEnv}: that environment variable is not set or empty`);
    if (token.length < 16 || /[\s;,]/.test(token)) {
      throw usageError(
        `--token-env ${opts.tokenEnv}: the token must be at least 16 characters without white space, ";" or ","`,
      );
    }
  } else if (!opts.unsafeNoAuth) {
    throw usageError(
      'sluice dashboard needs a token: --token-env NAME (an environment variable holding it), or --unsafe-no-auth for local use',
    );
  } else if (!LOOPBACK.has(host)) {
    throw usageError(
      `--unsafe-no-auth serves anyone who reaches the port: only with --host 127.0.0.1 or ::1; got ${host}`,
    );
  }
  let basePath: string;
  try {
    basePath = normalizeBasePath(opts.basePath);
  } catch {
    throw usageError(`--base-path expects "/" or a path like /admin/queues; got ${JSON.stringify(opts.basePath)}`);
  }
  return { port, host, token, readOnly: opts.readOnly === true, basePath };
}

/** Serve the dashboard until `signal` aborts; prints the address once listening (never the token). */
export async function dashboardCommand(opts: DashboardCommandOptions, io: Output): Promise<void> {
  const r = resolveDashboardCommand(opts);
  const sluice = await openSluice(opts);
  const handler = createDashboard({
    client: sluice.connection.client,
    prefix: sluice.prefix,
    basePath: r.basePath,
    readOnly: r.readOnly,
    ...(r.token === undefined ? { unsafeNoAuth: true } : { token: r.token }),
    onServerError: (err) => io.err(`sluice dashboard: ${err.message}`),
  });
  const server = createServer(toNodeListener(handler));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(r.port, r.host, () => resolve());
    });
  } catch (e) {
    await handler.close();
    await sluice.close();
    throw usageError(`cannot listen on ${r.host}:${r.port}: ${(e as Error).message}`);
  }
  const { port } = server.address() as AddressInfo;
  const host = r.host.includes(':') ? `[${r.host}]` : r.host;
  const path = r.basePath === '/' ? '/' : `${r.basePath}/`;
  io.out(
    `serving the dashboard on http://${host}:${port}${path}${r.token ? ` (open it with ?token=<the value of ${opts.tokenEnv}>)` : ' (no authentication: local use only)'}${r.readOnly ? ', read-only' : ''}`,
  );
  const { signal } = opts;
  await new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await handler.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sluice.close();
}
