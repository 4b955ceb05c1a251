/**
 * The waiting-room page in a hidden tab, in headless Chromium against the real app: its polls are
 * timed by a dedicated worker (assets/waiting-room-timer.js), so a place with a short
 * `waitTimeoutSec` survives while the page's own timers are throttled; without workers, or when
 * the worker does not load, the page's own timers poll instead.
 *
 * Headless Chromium never hides a page nor throttles its timers (Playwright also turns background
 * throttling off), so the tests do what Chrome does to a tab hidden for 5 minutes: the page is
 * told it is hidden, and its own `setTimeout` wakes at most once a minute. Timers in workers are
 * left alone, as Chrome leaves them. A frozen tab (which runs nothing, worker included) cannot be
 * emulated here: CDP's `Page.setWebLifecycleState` does not freeze a visible page.
 *
 * Store-independent page behaviour, so one store mode (Redis) is enough; page-waiting-room.test.ts
 * runs the rest of the page on both.
 */
import { jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually } from './support/services.js';
import { okAnswers, uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(120_000);

const TIMER_WORKER = /\/wr\/assets\/waiting-room-timer\.js\?v=[A-Za-z0-9_-]+$/;

/**
 * Run before the page's own script: the tab is hidden, and the page's timers are throttled as
 * Chrome's intensive wake-up throttling does after 5 minutes hidden (one wake-up a minute), which
 * for a test that lasts seconds means they do not fire at all. Timers in workers are left alone.
 */
const HIDDEN_AND_THROTTLED = `{
  Object.defineProperty(document, 'hidden', { value: true, configurable: true });
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  const pageSetTimeout = window.setTimeout.bind(window);
  window.setTimeout = (handler, delay, ...args) => pageSetTimeout(handler, Math.max(Number(delay) || 0, 60000), ...args);
}`;
/** A browser without Web Workers. */
const NO_WORKERS = 'delete window.Worker;';

/** Counts a page's polls (`GET /v1/queue/status`). */
function countPolls(page: Page): { count: number } {
  const polls = { count: 0 };
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/v1/queue/status') polls.count += 1;
  });
  return polls;
}

describe('waiting-room page in a hidden tab (Chromium)', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let browser: Browser;
  let v: ReturnType<typeof visitor>;
  let adm: ReturnType<typeof admin>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
    foyer = await startFoyer(backing);
    v = visitor(foyer.http);
    adm = admin(foyer.http);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await foyer?.close();
    await backing?.dispose();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  const { enterOk, stats } = okAnswers(
    () => v,
    () => adm,
  );

  /** A tab of its own browser profile (its own storage and tab lock), opened with `init` run first. */
  async function openTab(eventId: string, ...init: string[]): Promise<{ page: Page; polls: { count: number } }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    contexts.push(context);
    for (const script of init) await context.addInitScript({ content: script });
    const page = await context.newPage();
    const polls = countPolls(page);
    await page.goto(`${foyer.url}/wr/${eventId}`);
    return { page, polls };
  }

  async function rankOf(page: Page): Promise<string | null> {
    const screen = await page.locator('[data-screen]:not([hidden])').getAttribute('data-screen');
    return screen === 'wait' ? page.locator('#wr-rank').textContent() : null;
  }

  /** An OPEN event whose one slot is taken; `waitTimeoutSec: 3` keeps pollAfterMs at most a second. */
  async function fullEvent(settings: Record<string, unknown> = {}): Promise<{ eventId: string; holderToken: string }> {
    const eventId = uniqueEventId('hidden');
    const created = await adm.createEvent({ eventId, name: 'Hidden', limitCnt: 1, minPollIntervalMs: 100, waitTimeoutSec: 3, ...settings });
    expect(created.status).toBe(201);
    const holder = await enterOk({ eventId, id: 'holder' });
    expect(holder.status).toBe('ENTER');
    return { eventId, holderToken: holder.successToken as string };
  }

  it('keeps polling at its pace and keeps its place while the page’s own timers are throttled: a worker times the polls', async () => {
    const { eventId } = await fullEvent();
    const timed = await openTab(eventId, HIDDEN_AND_THROTTLED);
    await eventually(async () => (await rankOf(timed.page)) === '1', 30_000, 'rank 1 in the worker-timed tab');
    // The same tab where the browser has no workers: only the page's own (throttled) timers.
    const untimed = await openTab(eventId, NO_WORKERS, HIDDEN_AND_THROTTLED);
    await eventually(async () => (await rankOf(untimed.page)) === '2', 30_000, 'rank 2 in the tab without workers');
    expect(await stats(eventId)).toMatchObject({ waiting: 2, active: 1 });
    expect(await timed.page.evaluate('document.visibilityState')).toBe('hidden');
    expect(timed.page.workers().map((worker) => worker.url())).toEqual([expect.stringMatching(TIMER_WORKER)]);
    expect(untimed.page.workers()).toEqual([]);

    // Six polls at about a second each: twice waitTimeoutSec (3 s) without a lost heartbeat.
    const before = timed.polls.count;
    await eventually(() => timed.polls.count >= before + 6, 30_000, 'six more polls from the hidden tab');
    expect(await rankOf(timed.page)).toBe('1');
    // Meanwhile the tab without a worker never woke to poll, and its place lapsed, as it would in Chrome.
    await eventually(async () => (await stats(eventId)).waiting === 1, 30_000, 'the untimed place dropped');
    expect(untimed.polls.count).toBe(0);
    expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1, abandonedTotal: 1 });
    expect(await rankOf(timed.page)).toBe('1');
  });

  it('polls with the page’s own timers where there are no workers, and lets the visitor in', async () => {
    const { eventId, holderToken } = await fullEvent();
    const { page, polls } = await openTab(eventId, NO_WORKERS);
    await eventually(async () => (await rankOf(page)) === '1', 30_000, 'rank 1');
    expect(await page.evaluate('typeof Worker')).toBe('undefined');
    const before = polls.count;
    await eventually(() => polls.count >= before + 3, 30_000, 'three more polls');
    expect(page.workers()).toEqual([]);

    expect((await v.exit(holderToken)).body).toMatchObject({ status: 'EXITED' });
    await eventually(async () => await page.locator('[data-screen="in"]').isVisible(), 30_000, 'the "you’re in" screen');
    expect(await stats(eventId)).toMatchObject({ waiting: 0, active: 1 });
  });

  it('falls back to the page’s own timers when the worker does not load', async () => {
    const { eventId } = await fullEvent();
    const context = await browser.newContext({ locale: 'en-US' });
    contexts.push(context);
    let refused = 0;
    await context.route(/\/waiting-room-timer\.js/, (route) => {
      refused += 1;
      return route.fulfill({ status: 404, contentType: 'application/json', body: '{"code":"NOT_FOUND"}' });
    });
    const page = await context.newPage();
    const polls = countPolls(page);
    await page.goto(`${foyer.url}/wr/${eventId}`);
    await eventually(async () => (await rankOf(page)) === '1', 30_000, 'rank 1');
    const before = polls.count;
    await eventually(() => polls.count >= before + 3, 30_000, 'three more polls');
    expect(refused).toBe(1);
    expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1 });
  });
});
