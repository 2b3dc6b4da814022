import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeBasePath, resolveOptions } from './options.js';
import { setBase } from './static.js';
import { DASHBOARD_VERSION } from './version.js';

describe('dashboard basics', () => {
  it('DASHBOARD_VERSION is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(DASHBOARD_VERSION).toBe(pkg.version);
  });

  it('normalizes base paths and refuses unsafe ones', () => {
    expect(normalizeBasePath(undefined)).toBe('/');
    expect(normalizeBasePath('/admin/queues/')).toBe('/admin/queues');
    for (const bad of ['', 'admin', '/a/../b', '/a//b', '/a b', '/"><script>', '/./x']) {
      expect(() => normalizeBasePath(bad), bad).toThrow(/basePath/);
    }
  });

  it('refuses options without authentication, and bad intervals', () => {
    expect(() => resolveOptions({})).toThrow(/unsafeNoAuth/);
    expect(resolveOptions({ unsafeNoAuth: true })).toMatchObject({ basePath: '/', readOnly: false, pollMs: 1000 });
    expect(() => resolveOptions({ unsafeNoAuth: true, pollMs: 10 })).toThrow(/pollMs/);
    expect(() => resolveOptions({ auth: 'yes' as never })).toThrow(/auth must be a function/);
  });

  it('sets the base href of the page, or adds one', () => {
    expect(setBase('<head><base href="/"></head>', '/q')).toBe('<head><base href="/q/"></head>');
    expect(setBase('<html><head><title>x</title>', '/')).toBe('<html><head><base href="/"><title>x</title>');
  });
});
