/**
 * createDashboard's options and their checks: deny by default (no `auth` and no `token` is refused unless
 * `unsafeNoAuth`), a base path the page can be served under, and the defaults of the live poll.
 */
import type { AnyJob, ConnectionOptions } from '@sluice/core';

/** What a user may do: `admin` reads and acts, `viewer` only reads. */
export type Role = 'admin' | 'viewer';

/** What an `auth` function answers: false refuses (401), true or `'admin'` is admin, `'viewer'` reads only. */
export type AuthResult = boolean | Role;

/** Options of {@link createDashboard}. Give exactly one way in: `auth`, `token`, or `unsafeNoAuth: true`. */
export interface DashboardOptions extends Pick<ConnectionOptions, 'url' | 'client' | 'cluster' | 'tls' | 'onError'> {
  /** Key prefix of the queues (default `sluice`). */
  prefix?: string;
  /** Path the handler is mounted under, e.g. `/admin/queues` (default `/`). */
  basePath?: string;
  /** Decide who the request is from (a session cookie, a header your proxy sets...); default none. */
  auth?: (request: Request) => AuthResult | Promise<AuthResult>;
  /**
   * A shared secret (admin role): sent as `Authorization: Bearer <token>` or the `sluice_token` cookie that
   * `GET <basePath>/?token=<token>` sets. At least 16 characters. Default none.
   */
  token?: string;
  /** Refuse every action (403), whatever the role (default false). */
  readOnly?: boolean;
  /** Serve without any authentication, for local use on 127.0.0.1 only (default false: refused). */
  unsafeNoAuth?: boolean;
  /** Job definitions the page may enqueue, validated by their schema, and shows as the catalogue (default none). */
  jobs?: readonly AnyJob[];
  /** How often the shared live poll reads the overview while a page is open, in ms (default 1000). */
  pollMs?: number;
  /** Interval of the keep-alive comment on the event stream, in ms (default 15 000). */
  heartbeatMs?: number;
  /** Told about a failure the page only sees as a generic 500 (default: console.error, secrets redacted). */
  onServerError?: (err: Error) => void;
}

/** The options after checks and defaults. */
export interface ResolvedOptions {
  basePath: string;
  readOnly: boolean;
  pollMs: number;
  heartbeatMs: number;
  jobs: readonly AnyJob[];
}

/** Checks a base path: `/` or `/seg/seg` of URL-safe characters, no trailing slash, no `..`. */
export function normalizeBasePath(basePath: string | undefined): string {
  const p = basePath ?? '/';
  if (
    typeof p !== 'string' ||
    !/^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?\/?$/.test(p) ||
    /(^|\/)\.\.?(\/|$)/.test(p)
  ) {
    throw new TypeError(
      `createDashboard: basePath must be "/" or a path like "/admin/queues" (letters, digits, . _ ~ -); got ${JSON.stringify(p)}`,
    );
  }
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/** Check `o` and fill the defaults; throws a one-line TypeError naming the option. */
export function resolveOptions(o: DashboardOptions): ResolvedOptions {
  const ways = [o.auth !== undefined, o.token !== undefined, o.unsafeNoAuth === true].filter(Boolean).length;
  if (ways === 0) {
    throw new TypeError(
      'createDashboard: give `auth` (a function of the request) or `token`; `unsafeNoAuth: true` serves without any check (local use only)',
    );
  }
  if (ways > 1) throw new TypeError('createDashboard: give only one of `auth`, `token` and `unsafeNoAuth`');
  if (o.auth !== undefined && typeof o.auth !== 'function') {
    throw new TypeError('createDashboard: auth must be a function of the Request');
  }
  if (o.token !== undefined && (typeof o.token !== 'string' || o.token.length < 16 || /[\s;,]/.test(o.token))) {
    throw new TypeError('createDashboard: token must be at least 16 characters without white space, ";" or ","');
  }
  const int = (name: string, v: number | undefined, def: number, min: number) => {
    const n = v ?? def;
    if (!Number.isInteger(n) || n < min) throw new TypeError(`createDashboard: ${name} must be an integer >= ${min}`);
    return n;
  };
  return {
    basePath: normalizeBasePath(o.basePath),
    readOnly: o.readOnly === true,
    pollMs: int('pollMs', o.pollMs, 1000, 50),
    heartbeatMs: int('heartbeatMs', o.heartbeatMs, 15_000, 100),
    jobs: o.jobs ?? [],
  };
}
