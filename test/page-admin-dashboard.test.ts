/**
 * The admin dashboard (`GET /admin`) in a real headless Chromium against the real app on Redis
 * and PostgreSQL: an admin signs in, creates an event through the form (after the server refused a
 * bad field, shown beside it), watches the live numbers move as users enter over HTTP, pauses,
 * closes and deletes; a refused key sends back to sign-in and signing out forgets the key.
 *
 * A second event takes a steady stream of visitors from the start, so its charts have a history
 * by the time the screenshot for the README is taken.
 */
import { jest } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from './support/browser.js';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, ADMIN_KEY, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually, sleep } from './support/services.js';
import { okAnswers, uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(120_000);

const KEY_ITEM = 'foyer.adminKey';

/** The browser globals the checks read inside the page (this project's types include no DOM). */
interface PageGlobals {
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  localStorage: { length: number };
  document: { cookie: string; activeElement: { id: string; blur(): void } | null; documentElement: { scrollWidth: number } };
  scrollTo(x: number, y: number): void;
}

describe('the admin dashboard in Chromium', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let browser: Browser;
  let page: Page;
  let adm: ReturnType<typeof admin>;
  let v: ReturnType<typeof visitor>;
  let stopTraffic: () => Promise<void> = async () => {};
  /** Script errors and CSP violations: there must be none. */
  const problems: string[] = [];

  const concertId = uniqueEventId('concert');
  const saleId = uniqueEventId('spring-sale');

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
    foyer = await startFoyer(backing);
    adm = admin(foyer.http);
    v = visitor(foyer.http);
    stopTraffic = await startSaleTraffic();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await stopTraffic();
    await browser?.close();
    await foyer?.close();
    await backing?.dispose();
  });

  const { enterOk } = okAnswers(
    () => v,
    () => adm,
  );

  /**
   * A sale with 20 places and 4-second sessions, and arrivals that swell and ebb: a line forms,
   * admissions run at about five a second, and whoever waits 15 s without polling gives up.
   */
  async function startSaleTraffic(): Promise<() => Promise<void>> {
    const created = await adm.createEvent({
      eventId: saleId,
      name: 'Spring sale — early access',
      limitCnt: 20,
      sessionTtlSec: 4,
      waitTimeoutSec: 15,
      minPollIntervalMs: 1000,
      successUrl: 'https://shop.example/checkout',
      message: 'Early access for members. Keep this page open.',
    });
    expect(created.status).toBe(201);
    let running = true;
    let visitorCount = 0;
    const started = Date.now();
    const loop = (async () => {
      while (running) {
        const phase = ((Date.now() - started) / 40_000) * Math.PI;
        const arrivals = Math.max(1, Math.round(1 + 4 * Math.abs(Math.sin(phase))));
        await Promise.all(Array.from({ length: arrivals }, () => v.enter({ eventId: saleId, id: `shopper-${++visitorCount}` })));
        await sleep(400);
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  async function seriesOf(eventId: string): Promise<unknown[]> {
    const series = await foyer.http.get(`/v1/admin/events/${eventId}/series?minutes=30`, { token: ADMIN_KEY });
    expect(series.status).toBe(200);
    return series.body.points;
  }

  const card = (eventId: string): Locator => page.locator(`article[data-event-id="${eventId}"]`);
  const metric = (eventId: string, name: string): Locator => card(eventId).locator(`.m-${name} .value`);

  /** Waits until `locator`'s text satisfies `check`. */
  async function textOf(locator: Locator, check: (text: string) => boolean, what: string): Promise<string> {
    return eventually(
      async () => {
        const text = ((await locator.textContent()) ?? '').trim();
        return check(text) ? text : undefined;
      },
      30_000,
      what,
    );
  }

  it('asks for the admin key, and says so when it is refused', async () => {
    await page.goto(`${foyer.url}/admin`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Admin API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await textOf(page.locator('#signin-error'), (text) => text.includes('refused'), 'the refusal');
    expect(await page.getByLabel('Admin API key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate((item) => (globalThis as unknown as PageGlobals).sessionStorage.getItem(item), KEY_ITEM)).toBeNull();
  });

  it('signs in, keeping the key in session storage only, and lists the events', async () => {
    await page.getByLabel('Admin API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    expect(await page.evaluate((item) => (globalThis as unknown as PageGlobals).sessionStorage.getItem(item), KEY_ITEM)).toBe(ADMIN_KEY);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.length)).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).toBe('');
    await card(saleId).waitFor();
    expect(await card(saleId).locator('.event-name').textContent()).toBe('Spring sale — early access');
    expect(await card(saleId).locator('.status-badge').textContent()).toBe('Open');
    // The forwarder of this process copies every change into the journal: the card says so.
    await textOf(card(saleId).locator('.event-journal'), (text) => text.startsWith('Journal up to date'), 'the journal line');
  });

  it('creates an event through the form, showing the server’s message beside a bad field first', async () => {
    await page.getByRole('button', { name: 'New event' }).click();
    const dialog = page.getByRole('dialog', { name: 'New event' });
    await dialog.waitFor();
    // Every writable field of API.md is on the form.
    for (const label of [
      'Event ID',
      'Name',
      'Capacity (limitCnt)',
      'Status',
      'Session length, seconds',
      'Wait timeout, seconds',
      'Poll floor, milliseconds',
      'User ids',
      'Success URL',
      'Callback URL',
      'Message to everyone waiting',
      'Block re-entry',
    ]) {
      expect(await dialog.getByLabel(label, { exact: true }).count()).toBe(1);
    }
    // The hints, choices and starting values come from the server's rules (the page's config).
    expect(await dialog.locator('#h-limitCnt').textContent()).toBe('Most users inside at once, 0 to 1,000,000. Lowering it evicts nobody.');
    expect(await dialog.locator('#h-name').textContent()).toBe('1 to 200 characters.');
    expect(await dialog.locator('#h-minPollIntervalMs').textContent()).toBe('0 to 60,000, and at most a third of the wait timeout.');
    expect(await dialog.locator('#h-status').textContent()).toBe('DRAFT and CLOSED refuse new places and end every waiting one.');
    expect(await dialog.locator('#f-status option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value))).toEqual([
      'OPEN',
      'PAUSED',
      'DRAFT',
      'CLOSED',
    ]);
    expect(await dialog.getByLabel('Session length, seconds').inputValue()).toBe('600');
    expect(await dialog.getByLabel('Poll floor, milliseconds').inputValue()).toBe('1000');
    // Every problem at once, the eventId's in words: the fields' own and the rule between fields
    // (which the server checks only once every field passed).
    await dialog.getByLabel('Event ID').fill('bad id!');
    await dialog.getByLabel('Name').fill('Concert 2026 presale');
    await dialog.getByLabel('Capacity (limitCnt)').fill('-1');
    await dialog.getByLabel('Wait timeout, seconds').fill('2');
    await dialog.getByRole('button', { name: 'Create event' }).click();
    await textOf(dialog.locator('#e-limitCnt'), (text) => text.includes('limitCnt must not be less than 0'), 'the limitCnt message');
    expect(await dialog.locator('#e-eventId').textContent()).toBe('Use only letters, digits, dots (.), underscores (_) and hyphens (-), 1 to 64 of them.');
    expect(await dialog.locator('#e-minPollIntervalMs').textContent()).toBe('minPollIntervalMs must not exceed a third of waitTimeoutSec (666 ms)');
    expect(await dialog.locator('#form-alert').textContent()).toMatch(/^Not saved: fix the fields marked below\./);
    await dialog.getByLabel('Wait timeout, seconds').fill('300');

    await dialog.getByLabel('Event ID').fill(concertId);
    await dialog.getByLabel('Name').fill('Concert 2026 presale');
    await dialog.getByLabel('Capacity (limitCnt)').fill('-1');
    await dialog.getByLabel('Success URL').fill('not a url');
    await dialog.getByRole('button', { name: 'Create event' }).click();

    const limitError = dialog.locator('#e-limitCnt');
    await textOf(limitError, (text) => text.includes('limitCnt must not be less than 0'), 'the limitCnt message');
    await textOf(dialog.locator('#e-successUrl'), (text) => text.includes('successUrl must be an http(s) URL'), 'the URL message');
    expect(await dialog.getByLabel('Capacity (limitCnt)').getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.locator('#form-alert').textContent()).toContain('VALIDATION_FAILED');
    expect(await dialog.locator('#e-name').isHidden()).toBe(true);
    expect((await adm.getEvent(concertId)).status).toBe(404);

    await dialog.getByLabel('Capacity (limitCnt)').fill('2');
    await dialog.getByLabel('Success URL').fill('');
    await dialog.getByLabel('Message to everyone waiting').fill('Doors open at 19:00.');
    await dialog.getByRole('button', { name: 'Create event' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card(concertId).waitFor();
    expect(await card(concertId).locator('.event-name').textContent()).toBe('Concert 2026 presale');
    const created = await adm.getEvent(concertId);
    expect(created.body).toMatchObject({
      eventId: concertId,
      name: 'Concert 2026 presale',
      limitCnt: 2,
      status: 'OPEN',
      successUrl: null,
      sessionTtlSec: 600,
      waitTimeoutSec: 300,
      minPollIntervalMs: 1000,
      blockReentry: true,
      idPolicy: 'OPEN',
      message: 'Doors open at 19:00.',
    });
  });

  it('names the field of a conflict: an eventId that exists already', async () => {
    await page.getByRole('button', { name: 'New event' }).click();
    const dialog = page.getByRole('dialog', { name: 'New event' });
    await dialog.getByLabel('Event ID').fill(concertId);
    await dialog.getByLabel('Name').fill('Duplicate');
    await dialog.getByLabel('Capacity (limitCnt)').fill('1');
    await dialog.getByRole('button', { name: 'Create event' }).click();
    await textOf(dialog.locator('#e-eventId'), (text) => text.includes('exists already'), 'the conflict');
    expect(await dialog.locator('#form-alert').textContent()).toContain('EVENT_EXISTS');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // The dialog gives the focus back to the button that opened it.
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe('new-event');
  });

  it('shows the live numbers change as users enter', async () => {
    await textOf(metric(concertId, 'waiting'), (text) => text === '0', 'nobody waiting yet');
    // Rates come from consecutive samples: let the first one see the event empty.
    await eventually(async () => (await seriesOf(concertId)).length > 0, 30_000, 'a first sample');
    for (let i = 1; i <= 5; i++) await enterOk({ eventId: concertId, id: `fan-${i}` });
    await textOf(metric(concertId, 'waiting'), (text) => text === '3', 'three waiting');
    await textOf(metric(concertId, 'active'), (text) => text.replace(/\s/g, '') === '2/2', 'two of two active');
    await textOf(metric(concertId, 'admitted'), (text) => Number(text) > 0, 'admissions per minute');
    await textOf(metric(concertId, 'wait'), (text) => /^\d+ (s|min)$|^\d+ h \d\d min$/.test(text), 'an estimated wait at the back');
    // The estimate is a sample's, up to an interval behind the live count beside it: the note says
    // when, rather than "nobody is waiting" next to three waiting.
    expect(await card(concertId).locator('.m-wait .sub').textContent()).toMatch(/^(for number [\d,]+ in line|nobody waiting) at \d\d:\d\d:\d\d$/);
    expect(await card(concertId).locator('.m-waiting svg path.line').count()).toBeGreaterThan(0);
    expect(await card(concertId).locator('.m-waiting svg').getAttribute('aria-label')).toMatch(/^Waiting, since \d\d:\d\d: .*latest 3$/);
    // A total and its rate are one reading, the newest sample, which the card names by its time
    // (not the live stats beside it, up to an interval newer).
    await eventually(
      async () => {
        const points = (await seriesOf(concertId)) as { admittedTotal: number; abandonedTotal: number }[];
        const newest = points.at(-1)!;
        const admittedSub = (await card(concertId).locator('.m-admitted .sub').textContent()) ?? '';
        const abandonedSub = (await card(concertId).locator('.m-abandoned .sub').textContent()) ?? '';
        return (
          admittedSub === `${newest.admittedTotal} admitted in all at ${/at (\d\d:\d\d:\d\d)$/.exec(admittedSub)?.[1]}` &&
          /^in all at \d\d:\d\d:\d\d(, .+ \/ min)?$/.test(abandonedSub) &&
          /at (\d\d:\d\d:\d\d)/.exec(abandonedSub)?.[1] === admittedSub.slice(-8) &&
          (await metric(concertId, 'abandoned').textContent()) === String(newest.abandonedTotal)
        );
      },
      30_000,
      'the totals and rates of the newest sample',
    );

    // The busy sale has a line, admissions and a history to chart.
    await textOf(metric(saleId, 'waiting'), (text) => Number(text.replace(/,/g, '')) > 0, 'a line at the sale');
    await textOf(metric(saleId, 'admitted'), (text) => Number(text) > 0, 'admissions at the sale');
    await eventually(async () => (await card(saleId).locator('.m-admitted svg path.line').count()) > 0, 30_000, 'a chart');
  });

  it('pauses and resumes an event', async () => {
    await card(concertId).getByRole('button', { name: 'Pause' }).click();
    await textOf(card(concertId).locator('.status-badge'), (text) => text === 'Paused', 'the paused badge');
    expect((await adm.getEvent(concertId)).body.status).toBe('PAUSED');
    await textOf(metric(concertId, 'wait'), (text) => text === 'Unknown', 'no estimate while paused');
    await textOf(page.locator('#toast'), (text) => text.includes('is paused'), 'the confirmation');
    await card(concertId).getByRole('button', { name: 'Resume' }).click();
    await textOf(card(concertId).locator('.status-badge'), (text) => text === 'Open', 'the open badge');
    expect((await adm.getEvent(concertId)).body.status).toBe('OPEN');
  });

  it('edits an event: the form starts from its settings', async () => {
    await card(concertId).getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Concert 2026 presale' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Event ID').getAttribute('readonly')).not.toBeNull();
    expect(await dialog.getByLabel('Message to everyone waiting').inputValue()).toBe('Doors open at 19:00.');
    await dialog.getByLabel('Capacity (limitCnt)').fill('3');
    await dialog.getByLabel('Message to everyone waiting').fill('');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await textOf(metric(concertId, 'active'), (text) => text.replace(/\s/g, '') === '3/3', 'three of three active');
    const edited = await adm.getEvent(concertId);
    expect(edited.body).toMatchObject({ limitCnt: 3, message: null, name: 'Concert 2026 presale' });
    const change = await eventually(
      async () => {
        const journal = await adm.journal(`eventId=${concertId}&limit=100`);
        return journal.body.items.findLast((entry: { type: string }) => entry.type === 'event.updated');
      },
      10_000,
      'the change in the journal',
    );
    expect(change.payload).toEqual({ changes: { limitCnt: 3, message: null } });
  });

  it('takes the screenshot for the README once the sale has some history', async () => {
    await eventually(async () => (await seriesOf(saleId)).length >= 30, 60_000, 'thirty samples of the sale');
    await sleep(3_500); // one more refresh of the page, with the newest samples
    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      w.document.activeElement?.blur();
      w.scrollTo(0, 0);
    });
    await page.screenshot({ path: screenshotPath('admin-dashboard') });
    expect(await card(saleId).locator('.m-waiting svg path.line').count()).toBeGreaterThan(0);
  });

  it('closes an event only after a confirmation', async () => {
    await card(concertId).getByRole('button', { name: 'Close' }).click();
    const confirm = page.getByRole('dialog', { name: 'Close Concert 2026 presale?' });
    await confirm.waitFor();
    // Cancel has the focus: Enter alone changes nothing.
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'hidden' });
    expect((await adm.getEvent(concertId)).body.status).toBe('OPEN');
    await card(concertId).getByRole('button', { name: 'Close' }).click();
    await confirm.getByRole('button', { name: 'Close event' }).click();
    await textOf(card(concertId).locator('.status-badge'), (text) => text === 'Closed', 'the closed badge');
    expect((await adm.getEvent(concertId)).body.status).toBe('CLOSED');
  });

  it('deletes an event after a confirmation', async () => {
    await card(concertId).getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Concert 2026 presale?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await adm.getEvent(concertId)).status).toBe(200);
    await card(concertId).getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete event' }).click();
    await card(concertId).waitFor({ state: 'detached' });
    expect((await adm.getEvent(concertId)).status).toBe(404);
    // The focus was on the card's Delete button: it stays in the page, not lost to <body>.
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.id === 'main', undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe('main');
  });

  it('says so when the event being edited was deleted meanwhile, and keeps the focus in the page', async () => {
    const goneId = uniqueEventId('gone');
    expect((await adm.createEvent({ eventId: goneId, name: 'Soon gone', limitCnt: 1 })).status).toBe(201);
    await card(goneId).getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Soon gone' });
    await dialog.waitFor();
    expect((await adm.deleteEvent(goneId)).status).toBe(204);
    await card(goneId).waitFor({ state: 'detached' });
    await dialog.getByLabel('Name').fill('Renamed');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await textOf(dialog.locator('#form-alert'), (text) => text.includes('EVENT_NOT_FOUND'), 'why nothing was saved');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // The dialog's 'close' event, which moves the focus, is dispatched a task after it hides.
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.id === 'main', undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe('main');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await sleep(200);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: 'New event' }).click();
    const dialog = page.getByRole('dialog', { name: 'New event' });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('sends a refused key back to sign-in', async () => {
    await page.evaluate((item) => (globalThis as unknown as PageGlobals).sessionStorage.setItem(item, 'revoked-key'), KEY_ITEM);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await textOf(page.locator('#signin-error'), (text) => text.includes('refused'), 'why');
    expect(await page.evaluate((item) => (globalThis as unknown as PageGlobals).sessionStorage.getItem(item), KEY_ITEM)).toBeNull();
    expect(await page.locator('#event-list article').count()).toBe(0);
  });

  it('forgets the key on sign-out', async () => {
    await page.getByLabel('Admin API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await card(saleId).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate((item) => (globalThis as unknown as PageGlobals).sessionStorage.getItem(item), KEY_ITEM)).toBeNull();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.locator('#events-view').isHidden()).toBe(true);
  });

  it('ran without a script error or a CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
