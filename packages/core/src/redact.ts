/**
 * The one place secrets are taken out of text: a URL's userinfo (password, token) and its query values. Used
 * for every message Sluice prints, logs, emits or stores (dead letters, retry errors, usage errors).
 */

/** What an unparseable URL is printed as: it may hold a password with a raw `/` or `@`, so none of it is shown. */
export const UNPARSEABLE_URL = '(a value that does not parse as a URL; not shown, it may hold a secret)';

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A URL for messages, redacted by structure: the password becomes `***` (the user name stays, it names the ACL
 * user), a user name alone becomes `***` (it may be a token), every query value becomes `***`. A value that does
 * not parse as a URL is never echoed: {@link UNPARSEABLE_URL}.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return UNPARSEABLE_URL;
  }
  // A raw `/` and `@` in a password (`redis://u:p@ss/w@host`) parse as host `ss` and a path holding the rest of the
  // password: with credentials, an `@` after the authority means the split is unknown, so nothing is shown.
  if ((u.username || u.password) && /@|%40/.test(u.pathname + u.search + u.hash)) return UNPARSEABLE_URL;
  if (u.password) u.password = '***';
  else if (u.username) u.username = '***';
  const query = [...u.searchParams.keys()];
  if (query.length) u.search = query.map((k) => `${encodeURIComponent(k)}=***`).join('&');
  return u.href;
}

/** A URL-looking run of text: `scheme://` up to white space, a quote or a bracket. */
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()[\]{}]+/gi;

/**
 * Where the userinfo of a URL found in free text ends (the index of its `@`), or -1. Standard: an `@` before the
 * first `/`, `?` or `#` (the last such `@`, so a raw `@` in a password is covered). A raw `/` in a password:
 * the part before the first `/` is `user:pass` with a non-numeric "port", and the userinfo runs to the last `@`.
 */
function userinfoEnd(rest: string): number {
  const slash = rest.search(/[/?#]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf('@');
  if (at >= 0) return at;
  return /^[^:]*:(?!\d*$)/.test(authority) ? rest.lastIndexOf('@') : -1;
}

/** One URL found in free text: as {@link redactUrl} (`user:***@`, or `***@`), every query value `***`. */
function redactToken(token: string): string {
  const scheme = SCHEME.exec(token)?.[0] ?? '';
  let rest = token.slice(scheme.length);
  const at = userinfoEnd(rest);
  if (at >= 0) {
    const colon = rest.indexOf(':');
    rest = `${colon >= 0 && colon < at ? `${rest.slice(0, colon)}:***` : '***'}${rest.slice(at)}`;
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    const [query, hash] = rest.slice(q + 1).split(/#(.*)/s, 2) as [string, string | undefined];
    const redacted = query
      .split('&')
      .map((p) => (p.includes('=') ? `${p.slice(0, p.indexOf('='))}=***` : p))
      .join('&');
    rest = `${rest.slice(0, q + 1)}${redacted}${hash === undefined ? '' : `#${hash}`}`;
  }
  return scheme + rest;
}

/**
 * `text` with every URL in it redacted: userinfo (a raw `/` or `@` in a password included) and query values
 * become `***`. Text without `://` is returned as is, at the cost of one
 * `includes`.
 */
export function redactSecrets(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, redactToken);
}

/** True when `url` carries a user name or password (credentials that belong in a header or a secret store). */
export function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/**
 * `e` with the secrets of any URL in its message and stack taken out (redactSecrets), for what is stored,
 * logged and emitted: the same error when there was nothing to take, else a copy of the same class.
 */
export function redactError(e: Error): Error {
  const message = redactSecrets(e.message);
  const stack = e.stack === undefined ? undefined : redactSecrets(e.stack);
  if (message === e.message && stack === e.stack) return e;
  return Object.assign(Object.create(Object.getPrototypeOf(e)) as Error, e, { message, stack });
}
