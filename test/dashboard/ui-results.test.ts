/**
 * Progress and kept results in a real browser: a running job's progress bar, worker and lease age, then (once the
 * handler returns) its result as JSON and its finish time, and the queue's Completed tab, shown only while
 * retention keeps jobs. Writes the screenshots of the job page mid-run and completed.
 */
import { join } from 'node:path';
import { defineJob } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { producer, startWorker } from '../worker/harness.js';
import { cspViolations, launchBrowser, screenshotDir } from './browser.js';
import { serveDashboard, signIn } from './serve.js';

describe('progress and results in the browser', () => {
  it('shows a running job with its progress, then completed with its result, and the Completed tab', async () => {
    const prefix = uniquePrefix();
    const s = await producer(prefix);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const job = defineJob({
      name: 'render-report',
      queue: 'reports',
      handler: async (p: { month: string }, ctx) => {
        await ctx.progress(42);
        await gate;
        await ctx.progress({ step: 'upload', done: 3, of: 7 });
        return { month: p.month, pages: 12, url: '<b>not markup</b>' };
      },
    });
    const w = await startWorker(prefix, { jobs: [job], keep: { completed: { count: 100, age: 3_600_000 } } });
    const dash = await serveDashboard(prefix);
    const b = await launchBrowser();
    const page = await b.newPage();
    const shots = screenshotDir();
    try {
      // Nothing kept yet: the queue page offers no Completed tab, and never a Cancelled one.
      const { id } = await s.enqueue(job, { month: '2026-10' });
      await waitFor(async () => (await s.getJob('reports', id))?.progress === 42, 'the job to report progress 42');
      await signIn(page, dash.base, '#/queues/reports?state=running');
      await page.waitForSelector(`#jobs tr[data-job-id="${id}"]`);
      const tabs = await page.locator('nav.tabs a').allTextContents();
      expect(tabs.map((t) => t.split(' ')[0])).toEqual(['ready', 'running', 'delayed', 'dead']);

      await page.goto(`${dash.base}#/queues/reports/jobs/${id}`);
      await page.waitForSelector('#progress-bar');
      expect(await page.locator('#progress-bar').getAttribute('value')).toBe('42');
      expect(await page.locator('.progress-pct').textContent()).toBe('42%');
      await page.waitForSelector(`dd code:has-text("${w.consumer}")`);
      await page.waitForSelector('dt:has-text("Lease age")');
      await page.screenshot({ path: join(shots, 'job-running.png'), fullPage: true });

      release();
      // The page follows the job live (the overview's counts change) to its completed state.
      await page.waitForSelector('#result');
      const result = JSON.parse((await page.locator('#result').textContent()) ?? '');
      expect(result).toEqual({ month: '2026-10', pages: 12, url: '<b>not markup</b>' });
      expect(await page.locator('#result b').count()).toBe(0);
      await page.waitForSelector('dt:has-text("Finished")');
      expect(await page.locator('#progress-bar').count()).toBe(0);
      await page.screenshot({ path: join(shots, 'job-completed.png'), fullPage: true });

      // Retention keeps it: the overview counts it and the queue page offers the Completed tab, listing it.
      await page.goto(`${dash.base}#/`);
      await page.waitForSelector('tr:has-text("reports")');
      await page.goto(`${dash.base}#/queues/reports`);
      await page.waitForSelector('nav.tabs a:has-text("completed")');
      await page.click('nav.tabs a:has-text("completed")');
      await page.waitForSelector(`#jobs tr[data-job-id="${id}"]`);
      expect(await page.locator('nav.tabs a:has-text("completed") .tab-count').textContent()).toBe('1');
      await page.screenshot({ path: join(shots, 'queue-completed.png'), fullPage: true });
      expect(cspViolations(b.problems)).toEqual([]);
    } finally {
      release();
      await b.close();
      await dash.close();
      await w.stop();
      await s.close();
    }
  });
});
