/**
 * Acting from the dashboard in a real browser, on a real Redis with a real worker: redrive a dead job and see it
 * run; refuse a request without the token; refuse a cross-site POST (made by a page of another origin, with the
 * session cookie the browser sends along). Writes screenshots of the overview, dead letters and job pages.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { defineJob, UnrecoverableError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { track, uniquePrefix, waitFor } from '../helpers.js';
import { producer, startWorker } from '../worker/harness.js';
import { cspViolations, launchBrowser, screenshotDir } from './browser.js';
import { serveDashboard, signIn, TOKEN } from './serve.js';

describe('dashboard actions in the browser', () => {
  it('redrives dead jobs (one, then a selection) and the worker runs them; purges one', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    let failing = true;
    const ran: string[] = [];
    const charge = defineJob({
      name: 'charge-card',
      queue: 'payments',
      retry: { attempts: 1 },
      handler: (p: { amount: number }, ctx) => {
        if (failing && p.amount === 4200) throw new UnrecoverableError('card declined by the issuer (code 51)');
        if (failing && p.amount === 4500) throw new Error('gateway answered <img src=x onerror="window.__xss=1">');
        if (failing && p.amount > 4200) throw new Error(`gateway timeout after 30 s (amount ${p.amount})`);
        ran.push(ctx.jobId);
      },
    });
    const w = await startWorker(prefix, { jobs: [charge] });
    for (let i = 1; i <= 5; i++) await s.enqueue(charge, { amount: i * 100 });
    const { id } = await s.enqueue(charge, { amount: 4200 });
    const { id: id2 } = await s.enqueue(charge, { amount: 4300 });
    const { id: id3 } = await s.enqueue(charge, { amount: 4400 });
    const { id: id4 } = await s.enqueue(charge, { amount: 4500 });
    await waitFor(async () => (await s.stats('payments'))[0]?.dead === 4 && ran.length === 5, 'four dead, five ran');

    const dash = await serveDashboard(prefix);
    const b = await launchBrowser();
    const page = await b.newPage();
    const shots = screenshotDir();
    await signIn(page, dash.base, '#/queues/payments/dead');
    const row = (jobId: string) => page.locator(`#dead tr[data-job-id="${jobId}"]`);
    await row(id).waitFor();
    expect(await row(id).locator('td.err').textContent()).toContain('card declined by the issuer');
    expect(await page.locator('.reasons').textContent()).toMatch(/failed\s*3.*unrecoverable\s*1/);
    // An error message is data: shown as text, no image element, no script run.
    expect(await row(id4).locator('td.err').textContent()).toBe(
      'gateway answered <img src=x onerror="window.__xss=1">',
    );
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.screenshot({ path: join(shots, 'dead.png'), fullPage: true });

    // The dead job's page shows the error and the stack.
    await row(id).locator('a').click();
    await page.waitForSelector('pre.code.err:has-text("card declined")');
    await page.screenshot({ path: join(shots, 'job-dead.png'), fullPage: true });

    // Redrive it (with confirmation); the worker runs it this time; the page follows without a reload.
    failing = false;
    await page.goto(`${dash.base}#/queues/payments/dead`);
    await row(id).locator('button:has-text("Redrive")').click();
    await page.locator('dialog.confirm button[type="submit"]').click();
    await waitFor(() => ran.includes(id), 'the redriven job ran');
    await row(id).waitFor({ state: 'detached' });

    // Redrive a selection of two; both run; the third stays dead until it is purged.
    await row(id2).locator('input[type="checkbox"]').check();
    await row(id3).locator('input[type="checkbox"]').check();
    await page.click('button:has-text("Redrive selected (2)")');
    await page.locator('dialog.confirm button[type="submit"]').click();
    await waitFor(() => ran.includes(id2) && ran.includes(id3), 'the selection ran');
    await row(id2).waitFor({ state: 'detached' });
    expect(ran).not.toContain(id4);
    await row(id4).locator('button:has-text("Purge")').click();
    await page.locator('dialog.confirm button[type="submit"]').click();
    await page.waitForSelector('.empty:has-text("No dead letters")');
    expect(await s.getJob('payments', id4)).toBeNull();

    // The overview counts it: no dead job left.
    await page.goto(dash.base);
    await expect
      .poll(() => page.locator('#queues tr[data-queue="payments"] td').nth(3).textContent(), { timeout: 20_000 })
      .toBe('0');

    expect(cspViolations(b.problems)).toEqual([]);
    await b.close();
    await dash.close();
    await w.stop();
    await s.close();
  });

  it('refuses a request without the token and a cross-site POST', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'noop', queue: 'mail', handler: () => {} });
    await s.enqueue(job, {});
    const dash = await serveDashboard(prefix);

    // No token: the API and the page are refused; with it, the API answers.
    expect((await fetch(`${dash.base}api/overview`)).status).toBe(401);
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${dash.base}api/overview`, { headers: auth })).status).toBe(200);
    const b = await launchBrowser();
    const page = await b.newPage();
    const anonymous = await page.goto(dash.base);
    expect(anonymous?.status()).toBe(401);

    // A page of another origin (another port) posts to the dashboard: the browser sends the session cookie along
    // (same site), the server refuses it by its Origin, and the queue stays as it was.
    const evil = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>elsewhere</title><p>elsewhere</p>');
    });
    await new Promise<void>((ok) => evil.listen(0, '127.0.0.1', ok));
    const closeEvil = () =>
      new Promise<void>((ok) => {
        evil.closeAllConnections();
        evil.close(() => ok());
      });
    track({ label: 'cross-site server', isOpen: () => evil.listening, forceClose: closeEvil });
    const evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    await signIn(page, dash.base);
    await page.goto(`${evilOrigin}/`);
    await page.evaluate(async (url) => {
      await fetch(url, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      }).catch(() => {});
    }, `${dash.base}api/queues/mail/pause`);
    await waitFor(
      () => dash.answers.find((a) => a.method === 'POST' && a.origin === evilOrigin),
      'the cross-site POST reached the server',
    );
    const refused = dash.answers.filter((a) => a.method === 'POST' && a.origin === evilOrigin);
    expect(refused.map((a) => a.status)).toEqual([403]);
    expect((await s.stats('mail'))[0]?.paused).toBe(false);
    // The same request with the token but a foreign Origin is refused too; from the dashboard's own origin it passes.
    const post = (origin: string) =>
      fetch(`${dash.base}api/queues/mail/pause`, {
        method: 'POST',
        headers: { ...auth, origin, 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await post('https://evil.example')).status).toBe(403);
    expect((await s.stats('mail'))[0]?.paused).toBe(false);
    expect((await post(new URL(dash.base).origin)).status).toBe(200);
    expect((await s.stats('mail'))[0]?.paused).toBe(true);

    await closeEvil();
    expect(cspViolations(b.problems)).toEqual([]);
    await b.close();
    await dash.close();
    await s.close();
  });
});
