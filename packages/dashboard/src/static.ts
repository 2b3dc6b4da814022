/**
 * The page: index.html (its `<base href>` set to the base path) and the built assets, read from the package's
 * `dist/ui/` (written by the UI build) or, before it is built, the placeholder `static/index.html`. Only plain file
 * names under `assets/` are served: no directory, no `..`, no dot file.
 */
import { readFile } from 'node:fs/promises';
import { SECURITY_HEADERS } from './http.js';

/** The package folder (this file is src/static.ts or dist/static.js). */
const PACKAGE = new URL('../', import.meta.url);

const TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  map: 'application/json; charset=utf-8',
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/** Serves the page's files from `root` (default: the package's dist/ui, else static/). */
export class StaticFiles {
  private index: Promise<string> | undefined;
  private readonly assets = new Map<string, Promise<Uint8Array<ArrayBuffer> | null>>();

  constructor(
    private readonly basePath: string,
    private readonly root: URL = new URL('dist/ui/', PACKAGE),
  ) {}

  /** index.html with `<base href>` pointing at the base path. */
  async page(): Promise<Response> {
    this.index ??= readFile(new URL('index.html', this.root), 'utf8')
      .catch(() => readFile(new URL('static/index.html', PACKAGE), 'utf8'))
      .then((html) => setBase(html, this.basePath));
    const html = await this.index.catch((err: unknown) => {
      this.index = undefined;
      throw err;
    });
    return new Response(html, {
      headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    });
  }

  /** The asset `name` (a plain file name), or null when there is none. */
  async asset(name: string): Promise<Response | null> {
    const ext = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}\.([a-z0-9]+)$/.exec(name)?.[1];
    const type = ext === undefined ? undefined : TYPES[ext];
    if (type === undefined || name.includes('..')) return null;
    let bytes = this.assets.get(name);
    if (!bytes) {
      bytes = readFile(new URL(`assets/${name}`, this.root)).then(
        (b) => new Uint8Array(b),
        () => null,
      );
      this.assets.set(name, bytes);
    }
    const b = await bytes;
    if (!b) {
      this.assets.delete(name);
      return null;
    }
    return new Response(b, {
      headers: { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' },
    });
  }
}

/** `html` with its `<base href="...">` set to `basePath` + `/` (the path is checked: no quoting needed). */
export function setBase(html: string, basePath: string): string {
  const href = basePath === '/' ? '/' : `${basePath}/`;
  const tag = `<base href="${href}">`;
  return /<base\s[^>]*>/i.test(html) ? html.replace(/<base\s[^>]*>/i, tag) : html.replace(/<head>/i, `<head>${tag}`);
}
