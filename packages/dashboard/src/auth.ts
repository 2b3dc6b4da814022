/**
 * Who a request is from: the `auth` function's answer, or the token (`Authorization: Bearer`, or the
 * `sluice_token` cookie set by `GET /?token=`), compared in constant time (SHA-256 of both, then a comparison
 * whose time depends only on the digest length).
 */
import { constantTimeEqual } from '@sluice/worker/fetch';
import type { DashboardOptions, Role } from './options.js';

/** Name of the cookie that carries the token. */
export const TOKEN_COOKIE = 'sluice_token';

const digest = async (s: string): Promise<Uint8Array> =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));

/** Whether `given` is the token, in time that does not depend on where they differ. */
export async function tokenMatches(given: string, token: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(token)]);
  return constantTimeEqual(a, b);
}

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

/** The token a request carries (bearer first, then the cookie), or null. */
export function requestToken(request: Request): string | null {
  const h = request.headers.get('authorization');
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  if (m) return m[1] as string;
  return cookieValue(request.headers.get('cookie'), TOKEN_COOKIE);
}

/** The role of `request`, or null when it is not let in. */
export async function roleOf(request: Request, o: DashboardOptions): Promise<Role | null> {
  if (o.auth) {
    const r = await o.auth(request);
    if (r === true || r === 'admin') return 'admin';
    if (r === 'viewer') return 'viewer';
    return null;
  }
  if (o.token !== undefined) {
    const given = requestToken(request);
    return given !== null && (await tokenMatches(given, o.token)) ? 'admin' : null;
  }
  return o.unsafeNoAuth === true ? 'admin' : null;
}

/** The Set-Cookie value that stores the token for the page (HttpOnly, SameSite=Strict, scoped to the base path). */
export function tokenCookie(token: string, basePath: string, secure: boolean): string {
  const path = basePath === '/' ? '/' : `${basePath}/`;
  return `${TOKEN_COOKIE}=${token}; Path=${path}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
