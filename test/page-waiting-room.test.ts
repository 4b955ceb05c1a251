/**
 * The waiting-room page (`GET /wr/{eventId}`) in a real headless Chromium against the real app,
 * on both store modes: a visitor waits in a full event, watches the rank fall as others exit and
 * lands on the shop's successUrl with a token Foyer says is valid; a second tab follows the first
 * without polling and takes over when it closes; Korean by Accept-Language, switchable; the
 * screens for an unknown, a closed and a paused event and for a lapsed place.
 *
 * The HTTP side of the page (headers, assets, languages, no place taken by a GET) is in
 * page-waiting-room-http.test.ts.
 */
import { jest } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from './support/browser.js';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, startFoyer, STORE_MODES, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually } from './support/services.js';
import { okAnswers, uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(120_000);

const MOBILE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  // Also what a visitor who asks for less motion sees: no transition caught halfway in a screenshot.
  reducedMotion: 'reduce',
};
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

/** A tiny shop: the successUrl target, recording what each request carried. */
interface Shop {
  url: string;
  requests: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startShop(): Promise<Shop> {
  const requests: Shop['requests'] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>Shop</title><h1>Checkout</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The one screen the page shows. */
async function screenOf(page: Page): Promise<string | null> {
  return page.locator('[data-screen]:not([hidden])').getAttribute('data-screen');
}

async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).textContent()) ?? '').trim();
}

async function waitForScreen(page: Page, screen: string, what = `the ${screen} screen`): Promise<void> {
  await eventually(async () => (await screenOf(page)) === screen, 30_000, what);
}

async function waitForRank(page: Page, rank: number): Promise<void> {
  await eventually(async () => (await screenOf(page)) === 'wait' && (await textOf(page, '#wr-rank')) === String(rank), 30_000, `rank ${rank} on the page`);
}

/** Counts each page's calls to the queue routes, by path. */
function countQueueCalls(page: Page): { status: number; enter: number; reset(): void } {
  const counts = {
    status: 0,
    enter: 0,
    reset() {
      counts.status = 0;
      counts.enter = 0;
    },
  };
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path === '/v1/queue/status') counts.status += 1;
    if (path === '/v1/queue/enter') counts.enter += 1;
  });
  return counts;
}

describe.each(STORE_MODES)('waiting-room page in Chromium (%s store)', (mode) => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let browser: Browser;
  let shop: Shop;
  let v: ReturnType<typeof visitor>;
  let adm: ReturnType<typeof admin>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking(mode);
    foyer = await startFoyer(backing);
    v = visitor(foyer.http);
    adm = admin(foyer.http);
    [browser, shop] = await Promise.all([launchBrowser(), startShop()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await foyer?.close();
    await backing?.dispose();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  const { enterOk, pollOk, stats } = okAnswers(
    () => v,
    () => adm,
  );

  async function newContext(options: BrowserContextOptions): Promise<BrowserContext> {
    const context = await browser.newContext(options);
    contexts.push(context);
    return context;
  }

  /**
   * An OPEN event whose one slot is taken, with `waiting` HTTP visitors in line; polls paced at
   * 100 ms so the page's pollAfterMs stays near a second, and a wait timeout that outlasts the test.
   */
  async function fullEvent(waiting: number, settings: Record<string, unknown> = {}) {
    const eventId = (settings.eventId as string | undefined) ?? uniqueEventId(`wr-${mode}`);
    const created = await adm.createEvent({ name: 'Page', limitCnt: 1, minPollIntervalMs: 100, waitTimeoutSec: 120, ...settings, eventId });
    expect(created.status).toBe(201);
    const holder = await enterOk({ eventId, id: 'holder' });
    expect(holder.status).toBe('ENTER');
    const tickets: string[] = [];
    for (let i = 1; i <= waiting; i++) {
      const state = await enterOk({ eventId, id: `waiter-${i}` });
      expect(state).toMatchObject({ status: 'WAIT', expectedInfo: { rank: i } });
      tickets.push(state.ticket);
    }
    return { eventId, holderToken: holder.successToken as string, tickets };
  }

  /** Ends the session holding the slot; the exit admits the next in line at once. */
  async function exitOk(successToken: string): Promise<void> {
    const answer = await v.exit(successToken);
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 200, body: { status: 'EXITED' } });
  }

  /** The successToken of a waiter the last exit admitted. */
  async function admittedToken(ticket: string): Promise<string> {
    const state = await pollOk(ticket);
    expect(state.status).toBe('ENTER');
    return state.successToken;
  }

  it('shows a visitor the rank, lets it fall as others exit, and sends them to the successUrl with a valid token', async () => {
    // A fixed id (each store mode has its own backing) reads well in the README's screenshot.
    const { eventId, holderToken, tickets } = await fullEvent(6, {
      eventId: 'summer-concert-2026',
      name: 'Summer Concert 2026',
      successUrl: `${shop.url}/checkout?item=42`,
      message: 'Thanks for your patience — extra seats go on sale at 10:00.',
    });
    const page = await (await newContext({ ...MOBILE, locale: 'en-US' })).newPage();
    const response = await page.goto(`${foyer.url}/wr/${eventId}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await waitForRank(page, 7);
    expect(await textOf(page, '#wr-ahead')).toBe('6 people ahead of you');
    expect(await textOf(page, '#wr-message-text')).toBe('Thanks for your patience — extra seats go on sale at 10:00.');
    expect(await textOf(page, '#wr-eta')).toMatch(/^about \d+ min$|^about \d+ h \d+ min$/);
    expect(await textOf(page, '#wr-updated')).toMatch(/^\d\d:\d\d:\d\d$/);
    const id = await textOf(page, '#wr-id');
    expect(id).toMatch(/^[A-Za-z0-9_-]{16,22}$/);
    expect(await page.title()).toMatch(/^\(7\) /);
    expect(await textOf(page, '.event')).toBe('Summer Concert 2026');
    expect(await page.locator('#wr-progress').getAttribute('aria-valuenow')).toBe('0');

    // Each exit admits the next waiter at once; the page sees its rank fall on its next poll.
    let admitted = holderToken;
    for (let rank = 6; rank >= 1; rank--) {
      await exitOk(admitted);
      admitted = await admittedToken(tickets[6 - rank]);
      await waitForRank(page, rank);
      if (rank === 5) {
        expect(await textOf(page, '#wr-ahead')).toBe('4 people ahead of you');
        // From the rank at arrival (7) to the front (rank 1): 2 of 6 places done.
        expect(Number(await page.locator('#wr-progress').getAttribute('aria-valuenow'))).toBe(33);
        if (mode === 'redis') await page.screenshot({ path: screenshotPath('waiting-room-en') });
      }
    }
    expect(await textOf(page, '#wr-ahead')).toBe('You’re next!');
    expect(await textOf(page, '#wr-live')).toBe('You are next in line.');
    // At the front, the bar is full: it never says "next" over a part-empty bar.
    expect(await page.locator('#wr-progress').getAttribute('aria-valuenow')).toBe('100');

    await exitOk(admitted);
    await page.waitForURL((url) => url.origin === shop.url && url.pathname === '/checkout', { timeout: 30_000 });
    const landed = new URL(page.url());
    expect(landed.searchParams.get('item')).toBe('42');
    const token = landed.searchParams.get('wr_token');
    expect(token).toEqual(expect.any(String));
    const verified = await v.verify(token!);
    expect(verified.body).toMatchObject({ valid: true, eventId, id });
    // Referrer-Policy: no-referrer — the shop does not learn the waiting room's URL.
    const arrival = shop.requests.find((request) => request.url.startsWith('/checkout'));
    expect(arrival?.headers.referer).toBeUndefined();

    // Back at the waiting room after the session ended: the kept ticket says BLOCK (re-entry blocked).
    await exitOk(token!);
    await page.goto(`${foyer.url}/wr/${eventId}`);
    await waitForScreen(page, 'blocked');
    expect(await textOf(page, '[data-screen="blocked"] h1')).toBe('You can’t join this line again');
  });

  it('admitted in a background tab: the title and a notification say so, and the shop opens when the tab is back', async () => {
    const { eventId, holderToken } = await fullEvent(0, { successUrl: `${shop.url}/checkout` });
    const context = await newContext({ ...DESKTOP, locale: 'en-US' });
    // A stand-in for the Notification API: records what the page shows and asks.
    await context.addInitScript(() => {
      const record = globalThis as unknown as { notes: { title: string; body?: string }[]; asked: number };
      record.notes = [];
      record.asked = 0;
      class RecordedNotification {
        static permission = 'default';
        static requestPermission(): Promise<string> {
          record.asked += 1;
          RecordedNotification.permission = 'granted';
          return Promise.resolve('granted');
        }
        onclick: (() => void) | null = null;
        constructor(title: string, options?: { body?: string }) {
          record.notes.push({ title, body: options?.body });
        }
        close(): void {}
      }
      Object.defineProperty(globalThis, 'Notification', { value: RecordedNotification, configurable: true, writable: true });
    });
    const page = await context.newPage();
    await page.goto(`${foyer.url}/wr/${eventId}`);
    await waitForRank(page, 1);
    // Permission is asked only from the button, never on load.
    expect(await page.evaluate(() => (globalThis as unknown as { asked: number }).asked)).toBe(0);
    await page.click('#wr-notify');
    await eventually(async () => await page.locator('#wr-notify').isHidden(), 10_000, 'the notify button gone');
    expect(await page.evaluate(() => (globalThis as unknown as { asked: number }).asked)).toBe(1);

    // Headless pages are always visible: the page is told it is hidden, as a browser would.
    const setHidden = (hidden: boolean) =>
      page.evaluate(`(() => {
        Object.defineProperty(document, 'hidden', { value: ${hidden}, configurable: true });
        Object.defineProperty(document, 'visibilityState', { value: '${hidden ? 'hidden' : 'visible'}', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      })()`);
    await setHidden(true);
    await exitOk(holderToken);
    await eventually(async () => (await page.title()).startsWith('✔ It’s your turn!'), 30_000, 'the title saying so');
    expect(await page.evaluate(() => (globalThis as unknown as { notes: unknown[] }).notes)).toEqual([
      { title: '✔ It’s your turn!', body: 'You’re in. Come back to the tab to continue.' },
    ]);
    expect(new URL(page.url()).pathname).toBe(`/wr/${eventId}`);
    expect(await screenOf(page)).toBe('in');

    await setHidden(false);
    await page.waitForURL((url) => url.origin === shop.url && url.pathname === '/checkout', { timeout: 30_000 });
    expect((await v.verify(new URL(page.url()).searchParams.get('wr_token')!)).body).toMatchObject({ valid: true, eventId });
  });

  it('lets a second tab follow the same place without polling, and take over when the first closes', async () => {
    const { eventId } = await fullEvent(1);
    const context = await newContext({ ...DESKTOP, locale: 'en-US' });
    const first = await context.newPage();
    const firstCalls = countQueueCalls(first);
    await first.goto(`${foyer.url}/wr/${eventId}`);
    await waitForRank(first, 2);
    const id = await textOf(first, '#wr-id');

    const second = await context.newPage();
    const secondCalls = countQueueCalls(second);
    await second.goto(`${foyer.url}/wr/${eventId}`);
    await waitForRank(second, 2);
    expect(await textOf(second, '#wr-id')).toBe(id);

    // The first tab keeps polling; the second shows what it broadcasts and calls nothing itself.
    firstCalls.reset();
    await eventually(() => firstCalls.status >= 3, 30_000, 'three polls by the first tab');
    expect(secondCalls).toMatchObject({ status: 0, enter: 0 });
    expect(await stats(eventId)).toMatchObject({ waiting: 2, active: 1 });

    // The event pauses: both tabs keep the place and say admissions are paused; no estimate.
    expect((await adm.patchEvent(eventId, { status: 'PAUSED' })).status).toBe(200);
    for (const page of [first, second]) {
      await eventually(async () => !(await page.locator('#wr-paused').isHidden()), 30_000, 'the paused notice');
      expect(await textOf(page, '#wr-rank')).toBe('2');
      expect(await textOf(page, '#wr-eta')).toBe('unknown');
    }
    expect(await textOf(second, '#wr-live')).toBe('Admissions are paused. You keep your place.');
    expect((await adm.patchEvent(eventId, { status: 'OPEN' })).status).toBe(200);
    await eventually(async () => await second.locator('#wr-paused').isHidden(), 30_000, 'the paused notice gone');

    // The polling tab goes away: the other one takes over the same place.
    await first.close();
    await eventually(() => secondCalls.status >= 2, 30_000, 'polls by the second tab');
    expect(secondCalls.enter).toBe(0);
    expect(await textOf(second, '#wr-rank')).toBe('2');
    expect(await textOf(second, '#wr-id')).toBe(id);
    expect(await stats(eventId)).toMatchObject({ waiting: 2, active: 1 });
  });

  it('speaks Korean to a Korean browser, and switches language on request, remembering it', async () => {
    const { eventId, holderToken } = await fullEvent(3, {
      eventId: 'fan-meeting-2026',
      name: '2026 팬미팅',
      message: '오늘 오후 8시에 추가 좌석이 열립니다. 기다려 주셔서 감사합니다.',
    });
    const page = await (await newContext({ ...MOBILE, locale: 'ko-KR' })).newPage();
    await page.goto(`${foyer.url}/wr/${eventId}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    await waitForRank(page, 4);
    await exitOk(holderToken);
    await waitForRank(page, 3);
    expect(await textOf(page, '[data-screen="wait"] h1')).toBe('대기 중입니다');
    expect(await textOf(page, '#wr-ahead')).toBe('앞에 2명이 있습니다');
    expect(await textOf(page, '#wr-eta')).toMatch(/^약 \d+(시간 \d+)?분$/);
    expect(await textOf(page, '.lang')).toBe('English');
    expect(await textOf(page, '.event')).toBe('2026 팬미팅');
    const id = await textOf(page, '#wr-id');
    if (mode === 'redis') await page.screenshot({ path: screenshotPath('waiting-room-ko') });

    // The visitor switches to English: same place, English text, and the choice is remembered.
    await page.click('.lang');
    await eventually(async () => (await page.locator('html').getAttribute('lang')) === 'en', 30_000, 'the English page');
    await waitForRank(page, 3);
    expect(await textOf(page, '[data-screen="wait"] h1')).toBe('You’re in line');
    expect(await textOf(page, '#wr-id')).toBe(id);
    await page.goto(`${foyer.url}/wr/${eventId}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await waitForRank(page, 3);
    expect(await stats(eventId)).toMatchObject({ waiting: 3 });
  });

  it('shows clear screens for an unknown event and a closed one, and a "you’re in" screen without a successUrl', async () => {
    const page = await (await newContext({ ...MOBILE, locale: 'en-US' })).newPage();
    const missingId = uniqueEventId('missing');
    await page.goto(`${foyer.url}/wr/${missingId}`);
    await waitForScreen(page, 'notfound');
    expect(await textOf(page, '[data-screen="notfound"] h1')).toBe('There’s no waiting room here');

    // An id that cannot name an event gets the same screen, and the page takes no place.
    await page.goto(`${foyer.url}/wr/bad%20id!`);
    await waitForScreen(page, 'notfound');

    // A closed event is over: no button to join or try again.
    const closedId = uniqueEventId(`closed-${mode}`);
    expect((await adm.createEvent({ eventId: closedId, name: 'Closed', limitCnt: 1, status: 'CLOSED' })).status).toBe(201);
    await page.goto(`${foyer.url}/wr/${closedId}`);
    await waitForScreen(page, 'closed');
    expect(await textOf(page, '[data-screen="closed"] h1')).toBe('This event has closed');
    expect(await page.locator('[data-screen="closed"] button').count()).toBe(0);
    expect(await stats(closedId)).toMatchObject({ waiting: 0, active: 0 });

    // A draft event is not open yet: "Try again" is offered.
    const eventId = uniqueEventId(`draft-${mode}`);
    expect((await adm.createEvent({ eventId, name: 'Draft', limitCnt: 1, status: 'DRAFT' })).status).toBe(201);
    await page.goto(`${foyer.url}/wr/${eventId}`);
    await waitForScreen(page, 'notopen');
    expect(await textOf(page, '[data-screen="notopen"] h1')).toBe('This waiting room isn’t open yet');
    expect(await stats(eventId)).toMatchObject({ waiting: 0, active: 0 });

    // It opens; "Try again" gets in at once (room, nobody waiting) and, without a successUrl,
    // shows the "you're in" screen. No other site sent the visitor, but there is a page behind
    // this one in the tab's history: the button goes back there.
    expect((await adm.patchEvent(eventId, { status: 'OPEN' })).status).toBe(200);
    await eventually(async () => (await adm.getEvent(eventId)).body.status === 'OPEN', 10_000, 'the event open');
    await page.click('[data-screen="notopen"] [data-action="retry"]');
    await waitForScreen(page, 'in');
    expect(await textOf(page, '[data-screen="in"] h1')).toBe('You’re in!');
    expect(await textOf(page, '#wr-in-lead')).toMatch(/^Your access lasts until \d\d:\d\d:\d\d\. You can now continue on the site\.$/);
    expect(await page.locator('#wr-continue').isHidden()).toBe(true);
    expect(await textOf(page, '#wr-in-action')).toBe('Go back to the site');
    expect(await stats(eventId)).toMatchObject({ active: 1 });
    await page.click('#wr-in-action');
    await page.waitForURL((url) => url.pathname === `/wr/${closedId}`, { timeout: 30_000 });
    await waitForScreen(page, 'closed');
  });

  it('tells a waiter whose event closes that it is over (no "join again"), and one whose event goes back to draft that it is not open yet', async () => {
    for (const [status, screen, heading] of [
      ['CLOSED', 'closed', 'This event has closed'],
      ['DRAFT', 'notopen', 'This waiting room isn’t open yet'],
    ] as const) {
      const { eventId } = await fullEvent(1);
      const page = await (await newContext({ ...MOBILE, locale: 'en-US' })).newPage();
      await page.goto(`${foyer.url}/wr/${eventId}`);
      await waitForRank(page, 2);
      expect((await adm.patchEvent(eventId, { status })).status).toBe(200);
      await waitForScreen(page, screen);
      expect(await textOf(page, `[data-screen="${screen}"] h1`)).toBe(heading);
      expect(await page.locator('[data-action="join"]:visible').count()).toBe(0);
    }
  });

  it('says the line is not moving, not "you’re next", at the front of an event that admits nobody', async () => {
    const eventId = uniqueEventId(`zero-${mode}`);
    expect((await adm.createEvent({ eventId, name: 'Nobody in', limitCnt: 0, minPollIntervalMs: 100, waitTimeoutSec: 120 })).status).toBe(201);
    const page = await (await newContext({ ...MOBILE, locale: 'en-US' })).newPage();
    await page.goto(`${foyer.url}/wr/${eventId}`);
    await waitForRank(page, 1);
    expect(await textOf(page, '#wr-ahead')).toBe('You’re at the front, but the line isn’t moving right now.');
    expect(await textOf(page, '#wr-eta')).toBe('unknown');
    expect(await textOf(page, '#wr-live')).toBe('You are at the front, but the line is not moving right now.');
  });

  it('without a successUrl, "you’re in" leads back to the site that sent the visitor, else offers the admission code', async () => {
    const eventId = uniqueEventId(`no-target-${mode}`);
    expect((await adm.createEvent({ eventId, name: 'No target', limitCnt: 5 })).status).toBe(201);
    const waitingRoom = `${foyer.url}/wr/${eventId}`;

    // From a link on the shop (another origin): back to the shop, which the browser names by its origin only.
    const fromShop = await (await newContext({ ...MOBILE, locale: 'en-US' })).newPage();
    await fromShop.goto(`${shop.url}/product/42`);
    await fromShop.evaluate(`location.assign(${JSON.stringify(waitingRoom)})`);
    await waitForScreen(fromShop, 'in');
    const shopHost = new URL(shop.url).host;
    expect(await textOf(fromShop, '#wr-continue')).toBe(`Back to ${shopHost}`);
    expect(await fromShop.locator('#wr-continue').getAttribute('href')).toBe(`${shop.url}/`);
    expect(await fromShop.locator('#wr-in-action').isHidden()).toBe(true);
    await fromShop.click('#wr-continue');
    await fromShop.waitForURL((url) => url.origin === shop.url && url.pathname === '/', { timeout: 30_000 });

    // Opened in a tab of its own with no referrer and nothing behind it: the admission code, copied.
    const context = await newContext({ ...DESKTOP, locale: 'en-US' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: foyer.url });
    const opener = await context.newPage();
    await opener.goto(`${shop.url}/elsewhere`);
    const [page] = await Promise.all([
      context.waitForEvent('page'),
      opener.evaluate(`void window.open(${JSON.stringify(waitingRoom)}, '_blank', 'noopener,noreferrer')`),
    ]);
    await waitForScreen(page, 'in');
    expect(await page.evaluate('[history.length, document.referrer]')).toEqual([1, '']);
    expect(await page.locator('#wr-continue').isHidden()).toBe(true);
    expect(await textOf(page, '#wr-in-lead')).toMatch(/ If the site asks for your admission code, copy it here\.$/);
    expect(await page.locator('#wr-code-box').isHidden()).toBe(true);
    await eventually(async () => await page.locator('#wr-in-action').isVisible(), 10_000, 'the copy button');
    expect(await textOf(page, '#wr-in-action')).toBe('Copy my admission code');
    await page.click('#wr-in-action');
    await eventually(async () => (await textOf(page, '#wr-code-note')) !== '', 10_000, 'the copy note');
    expect(await textOf(page, '#wr-code-note')).toBe('Copied. Paste it where the site asks for it.');
    expect(await textOf(page, '#wr-live')).toBe('Copied. Paste it where the site asks for it.');
    const code = await page.locator('#wr-code').inputValue();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(code);
    expect((await v.verify(code)).body).toMatchObject({ valid: true, eventId });

    // Back from a page it went on to: history.length counts that page, though nothing is behind
    // this one. "Go back" does nothing there, so the code is offered instead.
    await page.goto(`${shop.url}/later`);
    await page.goBack();
    await waitForScreen(page, 'in');
    expect(await page.evaluate('history.length')).toBe(2);
    expect(await textOf(page, '#wr-in-action')).toBe('Go back to the site');
    await page.click('#wr-in-action');
    await eventually(async () => (await textOf(page, '#wr-in-action')) === 'Copy my admission code', 10_000, 'the copy button instead');
    expect(new URL(page.url()).pathname).toBe(`/wr/${eventId}`);
    expect(await stats(eventId)).toMatchObject({ active: 2 });
  });

  it('shows a lapsed place after a lost connection, and "join again" takes a new place at the back', async () => {
    // A short wait timeout (polls at most every 2 s / 3), so a place lapses within seconds offline.
    const { eventId } = await fullEvent(0, { waitTimeoutSec: 2 });
    const page = await (await newContext({ ...MOBILE, locale: 'en-US' })).newPage();
    await page.goto(`${foyer.url}/wr/${eventId}`);
    await waitForRank(page, 1);
    const firstId = await textOf(page, '#wr-id');

    await page.route('**/v1/queue/**', (route) => route.abort('internetdisconnected'));
    await eventually(async () => !(await page.locator('#wr-offline').isHidden()), 30_000, 'the offline notice');
    // The place is kept while the page retries; here the scheduler drops it once it is stale.
    await eventually(async () => (await stats(eventId)).waiting === 0, 30_000, 'the place dropped');
    await page.unroute('**/v1/queue/**');

    await waitForScreen(page, 'expired');
    expect(await textOf(page, '#wr-expired-reason')).toBe('This page stopped checking in for too long, so your place was released.');
    expect(await page.locator('#wr-offline').isHidden()).toBe(true);

    await page.click('[data-action="join"]');
    await waitForRank(page, 1);
    expect(await textOf(page, '#wr-id')).not.toBe(firstId);
    expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1 });
  });

  it('says the connection is lost when the first enter gets no answer, then takes a place once it does', async () => {
    const { eventId } = await fullEvent(0);
    const page = await (await newContext({ ...MOBILE, locale: 'en-US' })).newPage();
    await page.route('**/v1/queue/**', (route) => route.abort('internetdisconnected'));
    await page.goto(`${foyer.url}/wr/${eventId}`);
    // Not a spinner forever: the notice shows over the loading screen, and a screen reader hears it.
    await eventually(async () => await page.locator('#wr-offline').isVisible(), 30_000, 'the offline notice, visible');
    expect(await screenOf(page)).toBe('loading');
    expect(await textOf(page, '#wr-live')).toBe(await textOf(page, '#wr-offline'));
    await page.unroute('**/v1/queue/**');
    await waitForRank(page, 1);
    expect(await page.locator('#wr-offline').isHidden()).toBe(true);
  });

  it('retries an enter whose answer was lost with the same Idempotency-Key, across a reload too: one place, not two', async () => {
    const { eventId } = await fullEvent(0);
    const page = await (await newContext({ ...MOBILE, locale: 'en-US' })).newPage();
    const keys: string[] = [];
    // Every enter reaches Foyer, which takes or finds the place; the answer is lost on the way back.
    await page.route('**/v1/queue/enter', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      try {
        await route.fetch();
        await route.abort('connectionreset');
      } catch {
        // the page navigated away meanwhile
      }
    });
    await page.goto(`${foyer.url}/wr/${eventId}`);
    await eventually(async () => keys.length >= 1 && (await stats(eventId)).waiting === 1, 30_000, 'the first enter to take a place');
    await page.reload();
    await eventually(() => keys.length >= 3, 30_000, 'the enter to be retried after the reload');
    await page.unroute('**/v1/queue/enter');

    await waitForRank(page, 1);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(keys)).toEqual(new Set([keys[0]]));
    expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1 });
  });

  it('says why when the idToken in the link is mangled, rather than hang on the loading screen', async () => {
    const { eventId } = await fullEvent(0);
    const page = await (await newContext({ ...MOBILE, locale: 'en-US' })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // A cut-off percent escape: decoding it throws.
    await page.goto(`${foyer.url}/wr/${eventId}#idToken=eyJhbGc%E0%A4%A`);
    await waitForScreen(page, 'error');
    expect(await textOf(page, '#wr-error-lead')).toBe('We couldn’t get you into the line (INVALID_ID_TOKEN).');
    // The token left the address bar all the same.
    expect(new URL(page.url()).hash).toBe('');
    expect(errors).toEqual([]);
    expect(await stats(eventId)).toMatchObject({ waiting: 0, active: 1 });
  });
});
