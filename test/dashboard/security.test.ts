/**
 * The dashboard's safety rules over real HTTP: deny by default, 401 without the token, the token link (cookie,
 * redirect without the token), roles (a viewer may not act), read-only, CSRF (a cross-site or origin-less POST is
 * refused), JSON bodies only, and nothing secret (token, Redis URL, password) in anything the page can read.
 */
import { createDashboard } from '@sluice/dashboard';
import { afterEach, describe, expect, it } from 'vitest';
import { ok, redisUrl, startDashboard, type TestDashboard, TOKEN } from './harness.js';

let d: TestDashboard | undefined;
afterEach(async () => {
  await d?.close();
  d = undefined;
});

describe('createDashboard refuses to start unprotected', () => {
  it('throws without auth or token, and on a bad token or base path', () => {
    expect(() => createDashboard({ url: redisUrl() })).toThrow(/give `auth`.*or `token`.*unsafeNoAuth/);
    expect(() => createDashboard({ token: 'short' })).toThrow(/token must be at least 16/);
    expect(() => createDashboard({ token: TOKEN, unsafeNoAuth: true })).toThrow(/only one of/);
    expect(() => createDashboard({ token: TOKEN, basePath: '/a/../b' })).toThrow(/basePath/);
    expect(() => createDashboard({ token: TOKEN, basePath: 'admin' })).toThrow(/basePath/);
  });
});

describe('authentication', () => {
  it('answers 401 without the token or with a wrong one, to the API and to the page', async () => {
    d = await startDashboard();
    const tries: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { cookie: 'sluice_token=nope' },
    ];
    for (const headers of tries) {
      const api = await fetch(`${d.base}/api/overview`, { headers });
      expect(api.status).toBe(401);
      expect(await api.json()).toEqual({ error: expect.stringContaining('not signed in') });
      expect((await fetch(`${d.base}/`, { headers })).status).toBe(401);
      const post = await fetch(`${d.base}/api/queues/q/pause`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', origin: d.origin },
        body: '{}',
      });
      expect(post.status).toBe(401);
    }
    expect(await d.s.queues()).toEqual([]);
  });

  it('the token link sets an HttpOnly cookie scoped to the base path and redirects without the token', async () => {
    d = await startDashboard();
    const wrong = await fetch(`${d.base}/?token=wrong`, { redirect: 'manual' });
    expect(wrong.status).toBe(401);
    const r = await fetch(`${d.base}/?token=${TOKEN}&x=1`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/dash/?x=1');
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sluice_token=[^;]+; Path=\/dash\/; HttpOnly; SameSite=Strict$/);
    const jar = cookie.split(';')[0] as string;
    const proxied = await fetch(`${d.base}/?token=${TOKEN}`, {
      redirect: 'manual',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(proxied.headers.get('set-cookie')).toMatch(/; Secure$/);
    // never a redirect to another site, whatever the path (a dashboard at the root sees `//evil.example/`)
    const root = createDashboard({ url: redisUrl(), token: TOKEN });
    const odd = await root(new Request(`http://localhost//evil.example/?token=${TOKEN}`));
    expect([odd.status, odd.headers.get('location')]).toEqual([303, '/evil.example/']);
    await root.close();
    expect((await fetch(`${d.base}/api/session`, { headers: { cookie: jar } })).status).toBe(200);
    expect((await fetch(`${d.base}/`, { headers: { cookie: jar } })).status).toBe(200);
  });

  it('an auth function decides the role: a viewer reads but may not act (403), false is 401', async () => {
    d = await startDashboard({
      auth: (req) => {
        const who = req.headers.get('x-user');
        return who === 'ann' ? 'admin' : who === 'vic' ? 'viewer' : false;
      },
    });
    const as = (user: string) => ({ 'x-user': user, 'content-type': 'application/json', origin: d?.origin ?? '' });
    expect((await fetch(`${d.base}/api/overview`, { headers: { 'x-user': 'eve' } })).status).toBe(401);
    expect(await ok(fetch(`${d.base}/api/session`, { headers: as('vic') }))).toMatchObject({ role: 'viewer' });
    const v = await fetch(`${d.base}/api/queues/q/pause`, { method: 'POST', headers: as('vic'), body: '{}' });
    expect(v.status).toBe(403);
    expect(await v.json()).toEqual({ error: expect.stringContaining('viewer') });
    expect((await d.s.stats('q'))[0]?.paused).toBe(false);
    const a = await fetch(`${d.base}/api/queues/q/pause`, { method: 'POST', headers: as('ann'), body: '{}' });
    expect(a.status).toBe(200);
    expect((await d.s.stats('q'))[0]?.paused).toBe(true);
  });
});

describe('actions', () => {
  it('refuses a cross-site POST, one with no origin at all, and one from another origin (CSRF)', async () => {
    d = await startDashboard();
    const cases: Record<string, string>[] = [
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example', 'sec-fetch-site': '' },
      { 'sec-fetch-site': 'same-site' },
      { origin: '', 'sec-fetch-site': '' },
    ];
    for (const headers of cases) {
      const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
      const r = await fetch(`${d.base}/api/queues/q/pause`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...clean },
        body: '{}',
      });
      expect(r.status, JSON.stringify(clean)).toBe(403);
      expect(await r.json()).toEqual({ error: expect.stringContaining('cross-site') });
    }
    expect((await d.s.stats('q'))[0]?.paused).toBe(false);
    // the same request from the page's own origin (Origin alone, or Sec-Fetch-Site alone) goes through
    const same = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    expect(
      (
        await fetch(`${d.base}/api/queues/q/pause`, {
          method: 'POST',
          headers: { ...same, origin: d.origin },
          body: '{}',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await fetch(`${d.base}/api/queues/q/resume`, {
          method: 'POST',
          headers: { ...same, 'sec-fetch-site': 'same-origin' },
          body: '{}',
        })
      ).status,
    ).toBe(200);
  });

  it('requires a JSON object body', async () => {
    d = await startDashboard();
    expect(await ok(d.post('/api/queues/q/pause', null), 400)).toEqual({
      error: expect.stringContaining('JSON object'),
    });
    const form = await d.post('/api/queues/q/pause', {}, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    const broken = await fetch(`${d.base}/api/queues/q/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', origin: d.origin },
      body: '{"',
    });
    expect(broken.status).toBe(400);
    expect((await d.s.stats('q'))[0]?.paused).toBe(false);
  });

  it('read-only refuses every action (403) and says so in the session', async () => {
    d = await startDashboard({ readOnly: true });
    expect(await ok(d.get('/api/session'))).toMatchObject({ readOnly: true, role: 'admin' });
    for (const p of ['/api/queues/q/pause', '/api/queues/q/empty', '/api/queues/q/jobs/x/delete']) {
      expect(await ok(d.post(p, { confirm: 'q' }), 403)).toEqual({ error: expect.stringContaining('read-only') });
    }
    expect((await d.s.stats('q'))[0]?.paused).toBe(false);
  });
});

describe('secrets', () => {
  it('no token, Redis URL or password reaches the page, the API or an error', async () => {
    const url = new URL(redisUrl());
    d = await startDashboard();
    await d.s.enqueue('mail', { to: 'a@x' });
    const paths = [
      '/',
      '/api/session',
      '/api/overview',
      '/api/queues/mail/jobs',
      '/api/queues/mail/history',
      '/api/catalogue',
    ];
    for (const p of paths) {
      const r = await d.get(p);
      const head: string[] = [];
      r.headers.forEach((v, k) => {
        head.push(`${k}: ${v}`);
      });
      const all = `${head.join('\n')}\n${await r.text()}`;
      expect(all, p).not.toContain(TOKEN);
      expect(all, p).not.toContain(url.host);
      expect(all, p).not.toContain('redis://');
    }
  });

  it('a Redis failure is a generic 500: the URL and its password stay on the server', async () => {
    const seen: string[] = [];
    const h = createDashboard({
      url: 'redis://admin:hunter2-secret@127.0.0.1:1',
      token: TOKEN,
      onServerError: (e) => seen.push(e.message),
    });
    const r = await h(new Request('http://localhost/api/overview', { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(r.status).toBe(500);
    const body = await r.text();
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('127.0.0.1:1');
    expect(seen.length).toBe(1);
    await h.close();
  });
});
