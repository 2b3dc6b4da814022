/**
 * Shared set-up of the dashboard tests: a dashboard on a real node:http server (through the node adapter) on a
 * fresh prefix of the test Redis, a producer on the same prefix, and fetch helpers that send what a browser
 * sends (same-origin POSTs with a JSON body and the token).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sluice } from '@sluice/core';
import { createDashboard, type Dashboard, type DashboardOptions, toNodeListener } from '@sluice/dashboard';
import { redisUrl, track, uniquePrefix } from '../helpers.js';
import { producer } from '../worker/harness.js';

/** The token of the test dashboards. */
export const TOKEN = 'test-token-0123456789abcdef';

/** A running dashboard: its origin, base URL, handler and a producer on its prefix. */
export interface TestDashboard {
  origin: string;
  base: string;
  prefix: string;
  handler: Dashboard;
  s: Sluice;
  /** GET `path` (below the base) with the token; `init` adds to it. */
  get(path: string, init?: RequestInit): Promise<Response>;
  /** POST JSON `body` to `path` as the page would (same origin, token). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Start a dashboard (token auth unless `opts` says otherwise) on 127.0.0.1 under `basePath` (default `/dash`). */
export async function startDashboard(opts: Partial<DashboardOptions> = {}): Promise<TestDashboard> {
  const prefix = opts.prefix ?? uniquePrefix();
  const auth = opts.auth || opts.unsafeNoAuth ? {} : { token: TOKEN };
  const handler = createDashboard({
    url: redisUrl(),
    prefix,
    basePath: '/dash',
    onServerError: () => {},
    ...auth,
    ...opts,
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const basePath = opts.basePath ?? '/dash';
  const base = `${origin}${basePath === '/' ? '' : basePath}`;
  const s = await producer(prefix);
  let open = true;
  const close = async () => {
    if (!open) return;
    open = false;
    await handler.close();
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
    await s.close();
  };
  track({ label: 'dashboard server', isOpen: () => open, forceClose: close });
  const authz = { authorization: `Bearer ${TOKEN}` };
  return {
    origin,
    base,
    prefix,
    handler,
    s,
    close,
    get: (path, init = {}) => fetch(`${base}${path}`, { ...init, headers: { ...authz, ...(init.headers ?? {}) } }),
    post: (path, body, headers = {}) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { ...authz, 'content-type': 'application/json', origin, 'sec-fetch-site': 'same-origin', ...headers },
        body: JSON.stringify(body),
      }),
  };
}

/** The JSON body of `r`, after checking its status. */
export async function ok<T = Record<string, unknown>>(r: Response | Promise<Response>, status = 200): Promise<T> {
  const res = await r;
  const body = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${body}`);
  return JSON.parse(body) as T;
}

/** Redis URL of the test run (for the "never sent to the page" checks). */
export { redisUrl, uniquePrefix };
