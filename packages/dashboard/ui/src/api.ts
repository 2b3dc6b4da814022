/**
 * Calls to the dashboard's API. Every URL is relative to the page's `<base href>` (the handler writes its mount
 * path there), so the page works under any base path and behind a proxy. The session cookie or the proxy's auth
 * goes along (same origin); a mutating call sends JSON, which the server checks against CSRF by its Origin.
 */

/** An error answer of the API: the status and its one-line `error`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The absolute URL of an API path such as `api/overview`, resolved against `<base href>`. */
export const apiUrl = (path: string): string => new URL(path, document.baseURI).toString();

/** A path segment, encoded (queue names and job ids may hold any character). */
export const seg = (s: string): string => encodeURIComponent(s);

/** GET `path` and parse its JSON. */
export function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return call<T>('GET', path, undefined, signal);
}

/** POST `body` as JSON to `path` and parse the JSON answer. */
export function post<T>(path: string, body: unknown = {}): Promise<T> {
  return call<T>('POST', path, body);
}

async function call<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(apiUrl(path), {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text === '' ? null : JSON.parse(text);
  } catch {
    data = null;
  }
  if (!res.ok) {
    const msg =
      data !== null && typeof data === 'object' && typeof (data as { error?: unknown }).error === 'string'
        ? (data as { error: string }).error
        : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, msg);
  }
  return data as T;
}

/** The message of anything thrown, one line. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'error';
