/**
 * Debian's Chromium, headless, driven by playwright-core, for the dashboard's browser tests. Each launch gets a
 * new empty user data dir (removed at close) and is tracked by the leak guard, so a test that forgets to close it
 * fails and the browser is killed. No timing: tests wait for selectors and text, with generous timeouts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { track } from '../helpers.js';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags the tests run Chromium with (no network of its own, no first-run UI, no GPU). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long a test waits for something to show on the page: long enough for a machine busy with other work. */
export const UI_WAIT_MS = 20_000;

/** A launched browser: its context, the console errors and CSP reports seen, and close(). */
export interface TestBrowser {
  context: BrowserContext;
  /** Console errors and page errors of every page (CSP violations show here). */
  problems: string[];
  /** A new page (tab) whose console is watched. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Launch Chromium with a new empty user data dir; tracked by the leak guard. */
export async function launchBrowser(): Promise<TestBrowser> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(UI_WAIT_MS);
  let open = true;
  const problems: string[] = [];
  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    p.on('pageerror', (e) => problems.push(String(e)));
  };
  for (const p of context.pages()) watch(p);
  context.on('page', watch);
  const close = async () => {
    if (!open) return;
    open = false;
    await context.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  track({ label: 'chromium', isOpen: () => open, forceClose: close });
  return {
    context,
    problems,
    newPage: async () => {
      const pages = context.pages();
      const blank = pages.length === 1 && pages[0]?.url() === 'about:blank' ? pages[0] : undefined;
      return blank ?? (await context.newPage());
    },
    close,
  };
}

/** Where the tests write their screenshots: SLUICE_SCREENSHOTS_DIR (docs/screenshots to refresh the docs) or tmp. */
export function screenshotDir(): string {
  const dir = process.env.SLUICE_SCREENSHOTS_DIR ?? join(tmpdir(), 'sluice-dashboard-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The problems that are CSP violations (an inline script or style slipped into the page). */
export const cspViolations = (problems: readonly string[]): string[] =>
  problems.filter((p) => /Content Security Policy|Refused to (apply|execute|load|connect)/i.test(p));
