/**
 * The HTTP pieces every route shares: JSON replies and errors, the security headers (strict CSP and friends), the
 * CSRF check of a POST and its JSON body.
 */

/** The Content-Security-Policy of every response: nothing but the page's own files. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** Headers on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** A JSON reply (no-store) with the security headers. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
  });
}

/** An error reply `{ error }`. */
export const fail = (status: number, error: string): Response => json(status, { error });

/** An error a route throws to answer `status` with `message`. */
export class HttpError extends Error {
  constructor(
    /** HTTP status. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The CSRF rule of a POST: the browser says the request comes from this same origin, by `Sec-Fetch-Site:
 * same-origin` or an `Origin` equal to the request's own. A request with neither (or another site's) is refused.
 */
export function sameOrigin(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') return false;
  if (site === 'same-origin') return true;
  const origin = request.headers.get('origin');
  return origin !== null && origin === new URL(request.url).origin;
}

/** Largest POST body read, in bytes (an enqueue payload plus room): 1 MiB + 64 KiB. */
export const MAX_BODY_BYTES = 1024 * 1024 + 65_536;

/** The JSON object body of a POST; throws HttpError 400 when it is not JSON or not an object, 413 when too large. */
export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(400, 'the body must be JSON (content-type: application/json), e.g. {}');
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (!(declared <= MAX_BODY_BYTES)) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'the body must be a JSON object, e.g. {}');
  }
  return body as Record<string, unknown>;
}

/** Throws HttpError 400 unless `body.confirm` is exactly `expected` (destructive actions). */
export function requireConfirm(body: Record<string, unknown>, expected: string, what: string): void {
  if (body.confirm !== expected) {
    throw new HttpError(400, `confirm must be the ${what} (${JSON.stringify(expected)}) to do this`);
  }
}
