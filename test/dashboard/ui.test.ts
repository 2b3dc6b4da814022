/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) on a real Redis: the overview, a
 * job found by its id and by a word of its payload, a hostile payload shown as text, a count that changes without
 * a reload, pausing a queue. Writes a screenshot of each page it opens (browser.ts, screenshotDir).
 */
import { join } from 'node:path';
import { defineJob, UnrecoverableError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, startWorker } from '../worker/harness.js';
import { cspViolations, launchBrowser, screenshotDir } from './browser.js';
import { serveDashboard, signIn } from './serve.js';

/** A payload that would run script if the page ever rendered it as markup. */
const HOSTILE = '<img src=x onerror="window.__xss=1">';

describe('dashboard in the browser', () => {
  it('shows every queue, finds a job by id and by payload text, renders a hostile payload as text, pauses', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    const send = defineJob({ name: 'send-email', queue: 'mail', handler: () => {} });
    const report = defineJob({ name: 'build-report', queue: 'reports', handler: () => {} });
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const body = i === 17 ? 'your zanzibar itinerary' : `hello number ${i}`;
      ids.push((await s.enqueue(send, { to: `user${i}@example.com`, body })).id);
    }
    const hostile = (await s.enqueue(send, { to: 'x@example.com', body: HOSTILE })).id;
    await s.enqueue(report, { month: '2026-10' }, { delay: '1h' });
    await s.pause('reports');
    // A queue with a worker, so the overview has throughput, failures and a live worker to show.
    const thumb = defineJob({
      name: 'resize-image',
      queue: 'thumbnails',
      handler: (p: { n: number }) => {
        if (p.n % 10 === 0) throw new UnrecoverableError(`image ${p.n} is not a PNG`);
      },
    });
    const w = await startWorker(prefix, { jobs: [thumb] });
    for (let n = 1; n <= 30; n++) await s.enqueue(thumb, { n });
    await waitFor(async () => {
      const [t] = await s.stats('thumbnails');
      return t && t.dead === 3 && t.ready === 0 && t.running === 0;
    }, 'thumbnails done');
    const dash = await serveDashboard(prefix);
    const b = await launchBrowser();
    const page = await b.newPage();
    const shots = screenshotDir();

    // The overview lists both queues with their counts.
    await signIn(page, dash.base);
    const mailRow = page.locator('#queues tr[data-queue="mail"]');
    await expect.poll(() => mailRow.locator('td').nth(0).textContent(), { timeout: 20_000 }).toBe('26');
    await expect
      .poll(() => page.locator('#queues tr[data-queue="reports"] td').nth(2).textContent(), { timeout: 20_000 })
      .toBe('1');

    // A count changes without a reload: the page keeps a marker that a reload would drop.
    await page.evaluate(() => {
      (window as unknown as { __marker: number }).__marker = 1;
    });
    for (let i = 0; i < 3; i++) await s.enqueue(send, { to: `late${i}@example.com`, body: 'late' });
    await expect.poll(() => mailRow.locator('td').nth(0).textContent(), { timeout: 20_000 }).toBe('29');
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
    await page.waitForSelector('.chart .uplot');
    await page.waitForSelector('.panel-head:has-text("27 completed")');
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });

    // Find a job by its id: the exact id is looked up and listed.
    await page.click('#queues tr[data-queue="mail"] th a');
    await page.waitForSelector('#jobs');
    await page.fill('input[name="search"]', ids[3]!);
    await page.press('input[name="search"]', 'Enter');
    await page.waitForSelector(`#exact-match:has-text("${ids[3]}")`);
    await page.waitForSelector(`#jobs tr[data-job-id="${ids[3]}"]`);

    // Find a job by a word of its payload.
    await page.fill('input[name="search"]', 'zanzibar');
    await page.press('input[name="search"]', 'Enter');
    await expect
      .poll(() => page.locator('#jobs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job-id'))))
      .toEqual([ids[17]]);

    // The hostile payload shows as text in the list and on its job page, and nothing ran.
    await page.fill('input[name="search"]', 'onerror');
    await page.press('input[name="search"]', 'Enter');
    await page.waitForSelector(`#jobs tr[data-job-id="${hostile}"]`);
    expect(await page.locator(`#jobs tr[data-job-id="${hostile}"] td.payload`).textContent()).toContain(
      HOSTILE.slice(0, 12),
    );
    await page.fill('input[name="search"]', '');
    await page.press('input[name="search"]', 'Enter');
    await page.waitForSelector(`#jobs tr[data-job-id="${ids[0]}"]`);
    await page.screenshot({ path: join(shots, 'queue.png'), fullPage: true });
    await page.click(`#jobs tr[data-job-id="${hostile}"] a`);
    await page.waitForSelector('#payload');
    expect(JSON.parse((await page.locator('#payload').textContent()) ?? '')).toEqual({
      to: 'x@example.com',
      body: HOSTILE,
    });
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.screenshot({ path: join(shots, 'job.png'), fullPage: true });

    // Pause the queue from its page; Redis says it is paused; resume it.
    await page.goto(`${dash.base}#/queues/mail`);
    await page.click('#pause-toggle:has-text("Pause")');
    await page.waitForSelector('.page-head .badge:has-text("paused")');
    await waitFor(async () => (await s.stats('mail'))[0]?.paused === true, 'mail paused in Redis');
    await page.click('#pause-toggle:has-text("Resume")');
    await page.waitForSelector('.page-head .badge:has-text("active")');
    await waitFor(async () => (await s.stats('mail'))[0]?.paused === false, 'mail resumed in Redis');

    expect(cspViolations(b.problems)).toEqual([]);
    await b.close();
    await dash.close();
    await w.stop();
    await s.close();
  });
});
