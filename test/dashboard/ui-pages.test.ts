/**
 * The other pages in a real browser: enqueue a job from the form (the server checks its schema and the page shows
 * the field it names), paging through a long queue, a read-only dashboard shows no action, schedules and workers.
 * Writes their screenshots.
 */
import { join } from 'node:path';
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, startWorker } from '../worker/harness.js';
import { cspViolations, launchBrowser, screenshotDir } from './browser.js';
import { serveDashboard, signIn } from './serve.js';

describe('dashboard pages in the browser', () => {
  it('enqueues a job from the form, with the schema error naming the field', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const invoice = defineJob({
      name: 'send-invoice',
      queue: 'billing',
      schema: z.object({ customer: z.string().min(3), cents: z.number().int() }),
      handler: () => {},
    });
    // The worker publishes the catalogue with the schema as JSON Schema; the queue is paused so the job stays.
    await s.pause('billing');
    const w = await startWorker(prefix, { jobs: [invoice] });
    const dash = await serveDashboard(prefix);
    const b = await launchBrowser();
    const page = await b.newPage();
    await signIn(page, dash.base, '#/enqueue');
    await page.waitForSelector('select[name="job"]');
    expect(await page.locator('select[name="job"] option').allTextContents()).toEqual(['send-invoice (queue billing)']);

    await page.fill('textarea[name="payload"]', '{ "customer": "acme", "cents": 12.5 }');
    await page.click('button[type="submit"]:has-text("Enqueue")');
    await page.waitForSelector('#enqueue-problem:has-text("cents")');
    // The page checked the published JSON Schema itself: nothing was sent.
    expect(dash.answers.filter((a) => a.path.endsWith('/enqueue'))).toEqual([]);
    expect((await s.stats('billing'))[0]?.ready ?? 0).toBe(0);

    await page.fill('textarea[name="payload"]', '{ "customer": "acme", "cents": 1250 }');
    await page.click('button[type="submit"]:has-text("Enqueue")');
    const link = page.locator('#enqueue-done a');
    await link.waitFor();
    const id = (await link.textContent()) ?? '';
    const job = await s.getJob('billing', id);
    expect(job).toMatchObject({ state: 'ready', name: 'send-invoice' });
    expect(JSON.parse(job?.data ?? '')).toEqual({ customer: 'acme', cents: 1250 });
    await page.screenshot({ path: join(screenshotDir(), 'enqueue.png'), fullPage: true });

    expect(cspViolations(b.problems)).toEqual([]);
    await b.close();
    await dash.close();
    await w.stop();
    await s.close();
  });

  it('shows no action on a read-only dashboard', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'noop', queue: 'mail', handler: () => {} });
    const { id } = await s.enqueue(job, {});
    const dash = await serveDashboard(prefix, { readOnly: true });
    const b = await launchBrowser();
    const page = await b.newPage();

    await signIn(page, dash.base, '#/queues/mail');
    await page.waitForSelector(`#jobs tr[data-job-id="${id}"]`);
    await page.waitForSelector('header.top .badge:has-text("read-only")');
    expect(await page.locator('#pause-toggle').count()).toBe(0);
    await page.goto(`${dash.base}#/queues/mail/jobs/${id}`);
    await page.waitForSelector('#payload');
    expect(await page.locator('.page-head button').count()).toBe(0);

    expect(cspViolations(b.problems)).toEqual([]);
    await b.close();
    await dash.close();
    await s.close();
  });

  it('pages through a long queue with Next, Previous and First', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'noop', queue: 'mail', handler: () => {} });
    const ids = (
      await s.enqueueMany(
        job,
        Array.from({ length: 120 }, (_, i) => ({ i })),
      )
    ).map((r) => r.id);
    const dash = await serveDashboard(prefix, { readOnly: true });
    const b = await launchBrowser();
    const page = await b.newPage();
    const shown = () =>
      page.locator('#jobs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job-id')));
    const button = (name: string) => page.locator(`.pager button:has-text("${name}")`);

    await signIn(page, dash.base, '#/queues/mail');
    // 50 a page, oldest first: pages of 50, 50 and 20
    await expect.poll(shown).toEqual(ids.slice(0, 50));
    expect(await button('Previous').isDisabled()).toBe(true);
    expect(await button('First').isDisabled()).toBe(true);
    await button('Next').click();
    await expect.poll(shown).toEqual(ids.slice(50, 100));
    await page.waitForSelector('.pager:has-text("page 2")');
    await button('Next').click();
    await expect.poll(shown).toEqual(ids.slice(100));
    await page.waitForSelector('.pager:has-text("page 3")');
    expect(await button('Next').isDisabled()).toBe(true);
    await button('Previous').click();
    await expect.poll(shown).toEqual(ids.slice(50, 100));
    await button('First').click();
    await expect.poll(shown).toEqual(ids.slice(0, 50));
    await page.waitForSelector('.pager:has-text("page 1")');

    expect(cspViolations(b.problems)).toEqual([]);
    await b.close();
    await dash.close();
    await s.close();
  });

  it('falls back to polling when the event stream is cut, and empties a queue once its name is typed', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const job = defineJob({ name: 'noop', queue: 'mail', handler: () => {} });
    for (let i = 0; i < 4; i++) await s.enqueue(job, { i });
    const dash = await serveDashboard(prefix, { cutEvents: true });
    const b = await launchBrowser();
    const page = await b.newPage();
    // Opened at the base path without its trailing slash: <base href> still resolves every URL under it.
    await signIn(page, dash.base.replace(/\/$/, ''));
    await page.waitForSelector('#live-status:has-text("polling")');
    const ready = page.locator('#queues tr[data-queue="mail"] td').nth(0);
    await expect.poll(() => ready.textContent(), { timeout: 20_000 }).toBe('4');
    await s.enqueue(job, { i: 4 });
    await expect.poll(() => ready.textContent(), { timeout: 20_000 }).toBe('5');

    // Empty asks for the queue's name; the button stays disabled until it is typed.
    await page.click('#queues tr[data-queue="mail"] th a');
    await page.click('button:has-text("Empty")');
    const confirm = page.locator('dialog.confirm button[type="submit"]');
    expect(await confirm.isDisabled()).toBe(true);
    await page.fill('dialog.confirm input[name="confirm-text"]', 'mail');
    await confirm.click();
    await waitFor(async () => (await s.stats('mail'))[0]?.ready === 0, 'mail emptied');
    await page.waitForSelector('.empty:has-text("No ready jobs")');

    expect(cspViolations(b.problems)).toEqual([]);
    await b.close();
    await dash.close();
    await s.close();
  });

  it('lists the live worker and its schedule; runs the schedule now', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const nightly = defineJob({
      name: 'nightly-report',
      queue: 'reports',
      schedule: { cron: '0 2 * * *', tz: 'Europe/Paris' },
      handler: () => {},
    });
    await s.pause('reports');
    const w = await startWorker(prefix, { jobs: [nightly], concurrency: 4 });
    const dash = await serveDashboard(prefix);
    const b = await launchBrowser();
    const page = await b.newPage();
    const shots = screenshotDir();

    await signIn(page, dash.base, '#/workers');
    const worker = page.locator(`#workers tr:has-text("${w.consumer}")`);
    await worker.waitFor();
    expect(await worker.textContent()).toContain(String(process.pid));
    expect(await worker.locator('a').allTextContents()).toEqual(['reports']);
    await page.screenshot({ path: join(shots, 'workers.png'), fullPage: true });

    await page.goto(`${dash.base}#/schedules`);
    const row = page.locator('#schedules tr:has-text("nightly-report")');
    await row.waitFor();
    expect(await row.textContent()).toContain('0 2 * * *');
    expect(await row.textContent()).toContain('Europe/Paris');
    await page.screenshot({ path: join(shots, 'schedules.png'), fullPage: true });
    await row.locator('button:has-text("Run now")').click();
    await waitFor(async () => (await s.stats('reports'))[0]?.ready === 1, 'the schedule enqueued a run');

    expect(cspViolations(b.problems)).toEqual([]);
    await b.close();
    await dash.close();
    await w.stop();
    await s.close();
  });
});
