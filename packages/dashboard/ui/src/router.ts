/**
 * Hash routes of the page (`#/`, `#/queues/:q`, `#/queues/:q/jobs/:id`, `#/queues/:q/dead`, `#/schedules`,
 * `#/workers`, `#/enqueue`), each with optional query parameters (`#/queues/q?state=dead&search=x`) so a
 * filtered list is a link that can be shared. Pure parsing and building; {@link useRoute} follows the hash.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';

/** A parsed route. */
export type Route =
  | { page: 'overview' }
  | { page: 'queue'; queue: string; params: URLSearchParams }
  | { page: 'job'; queue: string; id: string }
  | { page: 'dead'; queue: string }
  | { page: 'schedules' }
  | { page: 'workers' }
  | { page: 'enqueue'; params: URLSearchParams }
  | { page: 'not-found'; path: string };

const dec = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The route of a location hash such as `#/queues/emails?state=dead`. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  const parts = path.split('/').filter((p) => p !== '');
  const [a, b, c, d] = parts;
  if (parts.length === 0) return { page: 'overview' };
  if (a === 'schedules' && parts.length === 1) return { page: 'schedules' };
  if (a === 'workers' && parts.length === 1) return { page: 'workers' };
  if (a === 'enqueue' && parts.length === 1) return { page: 'enqueue', params };
  if (a === 'queues' && b !== undefined) {
    if (parts.length === 2) return { page: 'queue', queue: dec(b), params };
    if (c === 'dead' && parts.length === 3) return { page: 'dead', queue: dec(b) };
    if (c === 'jobs' && d !== undefined && parts.length === 4) return { page: 'job', queue: dec(b), id: dec(d) };
  }
  return { page: 'not-found', path };
}

/** The hash link of a page: `href('queues', q, 'jobs', id)` -> `#/queues/<q>/jobs/<id>`, with optional params. */
export function href(...parts: Array<string | Record<string, string | undefined>>): string {
  const segs: string[] = [];
  let query = '';
  for (const p of parts) {
    if (typeof p === 'string') segs.push(encodeURIComponent(p));
    else {
      const sp = new URLSearchParams();
      for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') sp.set(k, v);
      const s = sp.toString();
      if (s) query = `?${s}`;
    }
  }
  return `#/${segs.join('/')}${query}`;
}

/** Go to a hash link. */
export function navigate(to: string): void {
  if (location.hash !== to) location.hash = to;
}

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    on(); // the hash may have changed between the first render and this effect
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
