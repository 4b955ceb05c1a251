import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it (with a CJK font) when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Screenshots the page tests take. A test run must not rewrite tracked files, so they go to a
 * temporary folder; `npm run screenshots` names `docs/screenshots` (which the README shows) here.
 */
export const SCREENSHOT_DIR = process.env.FOYER_SCREENSHOT_DIR ? resolve(process.env.FOYER_SCREENSHOT_DIR) : join(tmpdir(), 'foyer-screenshots');

/** A headless Chromium for one test file; close it in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/** Where a screenshot called `name` goes; the folder exists once this returns. */
export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}
