/**
 * The dashboard under test: `createDashboard` on the test Redis, mounted at /admin/queues on a node:http server
 * on 127.0.0.1 (a free port), with a token. Every answer is recorded (method, path, status) so a test can see
 * what the server said to a request the browser made, such as a cross-site POST whose answer a page cannot read.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnyJob } from '@sluice/core';
import { createDashboard } from '@sluice/dashboard';
import { toNodeListener } from '@sluice/dashboard/node';
import type { Page } from 'playwright-core';
import { redisUrl, track } from '../helpers.js';

import { TOKEN } from './harness.js';

export { TOKEN };
/** Where the dashboard is mounted. */
export const BASE_PATH = '/admin/queues';

/** One answer of the dashboard. */
export interface Answer {
  method: string;
  path: string;
  status: number;
  origin: string | null;
}

/** A served dashboard. */
export interface ServedDashboard {
  /** `http://127.0.0.1:<port>/admin/queues/`. */
  base: string;
  /** Every answer so far. */
  answers: Answer[];
  close(): Promise<void>;
}

/**
 * Serve a dashboard for `prefix` (`jobs`: its catalogue; `readOnly`: refuse every action; `cutEvents`: answer the
 * event stream with a 502, as a platform that cuts long responses would).
 */
export async function serveDashboard(
  prefix: string,
  opts: { jobs?: readonly AnyJob[]; readOnly?: boolean; cutEvents?: boolean } = {},
): Promise<ServedDashboard> {
  const { cutEvents, ...options } = opts;
  const dashboard = createDashboard({ url: redisUrl(), prefix, basePath: BASE_PATH, token: TOKEN, ...options });
  const answers: Answer[] = [];
  const recorded = async (req: Request): Promise<Response> => {
    // cutEvents: a platform that does not keep long responses open (the event stream fails at once).
    const cut = cutEvents === true && new URL(req.url).pathname.endsWith('/api/events');
    const res = cut ? new Response('no streaming here', { status: 502 }) : await dashboard(req);
    answers.push({
      method: req.method,
      path: new URL(req.url).pathname,
      status: res.status,
      origin: req.headers.get('origin'),
    });
    return res;
  };
  const server = createServer(toNodeListener(recorded));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  let open = true;
  const close = async () => {
    if (!open) return;
    open = false;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
    await dashboard.close();
  };
  track({ label: 'dashboard server', isOpen: () => open, forceClose: close });
  return { base: `http://127.0.0.1:${port}${BASE_PATH}/`, answers, close };
}

/** Sign `page` in (the token link sets the session cookie, then redirects) and open `hash` (e.g. `#/workers`). */
export async function signIn(page: Page, base: string, hash = ''): Promise<void> {
  await page.goto(`${base}?token=${TOKEN}`);
  await page.waitForURL((u) => !u.search.includes('token'));
  if (hash) await page.goto(`${base}${hash}`);
}
