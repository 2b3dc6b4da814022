/**
 * createDashboard(): the web-standard handler. Order of checks on every request: under the base path (else 404),
 * the token link (`?token=` sets the cookie and redirects), authentication (401), then for a POST: read-only and
 * role (403), same origin (403, CSRF), a JSON object body (400); then the route. Errors from Redis are answered as
 * a generic 500 (the message goes to `onServerError`, never to the page: it could name a host).
 */
import { type AnyJob, createSluice, JobValidationError, type Sluice, SluiceArgumentError } from '@sluice/core';
import { redactSecrets } from '@sluice/core/internal';
import { roleOf, tokenCookie, tokenMatches } from './auth.js';
import { fail, HttpError, jsonBody, MAX_BODY_BYTES, SECURITY_HEADERS, sameOrigin } from './http.js';
import { LiveOverview, queueOverview } from './live.js';
import { type DashboardOptions, resolveOptions } from './options.js';
import { type RouteContext, readRoute } from './read-routes.js';
import { StaticFiles } from './static.js';
import { writeRoute } from './write-routes.js';

/** The handler createDashboard returns: `(Request) => Promise<Response>`, plus `close()`. */
export type Dashboard = ((request: Request) => Promise<Response>) & {
  /** Largest request body read, in bytes (node adapters read no more). */
  readonly maxBodyBytes: number;
  /** Event streams open now (pages watching live); the shared poll runs only while this is above 0. */
  readonly streams: number;
  /** Stop the live poll, close open event streams and the Redis connection (if the dashboard opened it). */
  close(): Promise<void>;
};

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
  });

/** Path segments of `pathname` below `basePath`, or null when it is not under it. */
function below(pathname: string, basePath: string): string[] | null {
  if (basePath !== '/' && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return null;
  const rest = basePath === '/' ? pathname : pathname.slice(basePath.length);
  try {
    return rest
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
}

/**
 * A dashboard handler for Hono, Next.js route handlers, Bun, Deno (as is) and node:http / Express (through
 * `toNodeListener` of `@sluice/dashboard/node`). Throws when no authentication is given (see `unsafeNoAuth`).
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const o = resolveOptions(options);
  const jobs = new Map<string, AnyJob>(o.jobs.map((j) => [j.name, j]));
  const onServerError =
    options.onServerError ?? ((err: Error) => console.error(`sluice dashboard: ${redactSecrets(err.message)}`));
  let conn: Promise<Sluice> | undefined;
  const sluice = (): Promise<Sluice> => {
    conn ??= createSluice({
      url: options.url,
      client: options.client,
      cluster: options.cluster,
      tls: options.tls,
      onError: options.onError,
      prefix: options.prefix,
      tracing: false,
    }).catch((err: unknown) => {
      conn = undefined;
      throw err;
    });
    return conn;
  };
  const live = new LiveOverview(
    async () => {
      const s = await sluice();
      const stats = await s.stats();
      const kept = await Promise.all(stats.map((q) => s.keptCount(q.queue)));
      return { at: Date.now(), queues: stats.map((q, i) => queueOverview(q, kept[i] ?? 0)) };
    },
    o.pollMs,
    o.heartbeatMs,
    onServerError,
  );
  const files = new StaticFiles(o.basePath);

  async function route(request: Request, url: URL, path: string[]): Promise<Response> {
    // the token link: set the cookie and drop the token from the URL
    const linkToken = url.searchParams.get('token');
    if (request.method === 'GET' && linkToken !== null && options.token !== undefined && path[0] !== 'api') {
      if (!(await tokenMatches(linkToken, options.token))) return text(401, 'wrong token');
      url.searchParams.delete('token');
      // behind a TLS-terminating proxy the request itself is http: trust its forwarded scheme for this flag only
      const secure = url.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
      return text(303, '', {
        // one leading slash: `//host` would send the browser to another site
        location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`,
        'set-cookie': tokenCookie(linkToken, o.basePath, secure),
      });
    }
    const role = await roleOf(request, options);
    const api = path[0] === 'api';
    if (role === null) {
      return api
        ? fail(401, 'not signed in: send the token (Authorization: Bearer) or open the page with ?token=')
        : text(
            401,
            'Sluice dashboard: not signed in. Open this page with ?token=<token>, or sign in through your app.',
          );
    }
    if (!api) {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return text(405, 'method not allowed', { allow: 'GET' });
      if (path[0] === 'assets' && path.length === 2)
        return (await files.asset(path[1] as string)) ?? text(404, 'not found');
      return files.page();
    }
    const ctx: RouteContext = { request, url, role, readOnly: o.readOnly, sluice, live, jobs };
    const rest = path.slice(1);
    if (request.method === 'GET') {
      if (rest.length === 1 && rest[0] === 'events') return events(request);
      return (await readRoute(ctx, rest)) ?? fail(404, `no route GET /api/${rest.join('/')}`);
    }
    if (request.method !== 'POST') return fail(405, 'method not allowed: GET or POST');
    if (o.readOnly) return fail(403, 'this dashboard is read-only');
    if (role !== 'admin') return fail(403, 'your role (viewer) may not act: admin only');
    if (!sameOrigin(request)) return fail(403, 'cross-site request refused (Origin / Sec-Fetch-Site is not this site)');
    const body = await jsonBody(request);
    return (await writeRoute(ctx, rest, body)) ?? fail(404, `no route POST /api/${rest.join('/')}`);
  }

  function events(request: Request): Response {
    return new Response(live.open(request.signal), {
      headers: {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
    });
  }

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = below(url.pathname, o.basePath);
    if (path === null || path.includes('..')) return text(404, 'not found');
    // the page's address is the base path with a slash, so relative asset URLs resolve under it
    if (path.length === 0 && o.basePath !== '/' && url.pathname === o.basePath && request.method === 'GET') {
      return text(308, '', { location: `${o.basePath}/${url.search}` });
    }
    try {
      return await route(request, url, path);
    } catch (err) {
      if (err instanceof HttpError) return fail(err.status, err.message);
      if (err instanceof JobValidationError || err instanceof SluiceArgumentError) return fail(400, err.message);
      onServerError(err as Error);
      return fail(500, 'the dashboard could not read or write Redis; see the server log');
    }
  };
  const dashboard = Object.assign(handler, {
    maxBodyBytes: MAX_BODY_BYTES,
    close: async () => {
      live.close();
      const c = conn;
      conn = undefined;
      if (c) await (await c.catch(() => undefined))?.close();
    },
  });
  return Object.defineProperty(dashboard, 'streams', { get: () => live.listeners, enumerable: true }) as Dashboard;
}
