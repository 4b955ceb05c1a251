/**
 * The waiting-room page over plain HTTP: what `GET /wr/{eventId}` answers (headers, no inline
 * script, language), its assets and their caching, 404s for ids that cannot be events, and that
 * fetching the page takes no place. The page's behaviour in a browser is in page-waiting-room.test.ts.
 */
import { jest } from '@jest/globals';
import { get, type IncomingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, startFoyer, STORE_MODES, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually } from './support/services.js';
import { expectError, okAnswers, uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(60_000);

/** A GET whose body is left as it travelled (fetch would decode gzip). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

describe.each(STORE_MODES)('waiting-room page over HTTP (%s store)', (mode) => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let v: ReturnType<typeof visitor>;
  let adm: ReturnType<typeof admin>;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking(mode);
    foyer = await startFoyer(backing);
    v = visitor(foyer.http);
    adm = admin(foyer.http);
    for (const eventId of ['concert-2026', 'e1', 'a'.repeat(64), 'Sale_2026.v2-final']) {
      expect((await adm.createEvent({ eventId, name: `The ${eventId} sale`, limitCnt: 10 })).status).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  const { enterOk, stats } = okAnswers(
    () => v,
    () => adm,
  );

  const getPage = (path: string, headers: Record<string, string> = {}) => foyer.http.get(path, { headers });

  /** The script's config the server wrote into the page. */
  const configOf = (html: string) => JSON.parse(/<script type="application\/json" id="wr-config">([^<]*)<\/script>/.exec(html)![1]);

  /** The `src` of every script element, and whether any script element runs inline code. */
  function scriptsOf(html: string): { sources: string[]; inline: string[] } {
    const sources: string[] = [];
    const inline: string[] = [];
    for (const match of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
      const attributes = match[1] ?? '';
      const src = /\ssrc="([^"]+)"/.exec(attributes);
      if (src) sources.push(src[1]);
      else if (!/\stype="application\/json"/.test(attributes)) inline.push(match[2] ?? '');
    }
    return { sources, inline };
  }

  it('takes no place: a GET of the page (a link preview, a crawler) leaves the line as it was', async () => {
    const eventId = uniqueEventId(`wr-${mode}`);
    expect((await adm.createEvent({ eventId, name: 'Page', limitCnt: 1, minPollIntervalMs: 0 })).status).toBe(201);
    expect((await enterOk({ eventId, id: 'inside' })).status).toBe('ENTER');
    expect((await enterOk({ eventId, id: 'waiting' })).status).toBe('WAIT');
    const before = await stats(eventId);
    expect(before).toMatchObject({ waiting: 1, active: 1 });

    const previews: Record<string, string>[] = [{}, { 'accept-language': 'ko-KR,ko;q=0.9' }, { 'user-agent': 'Slackbot-LinkExpanding 1.0' }];
    for (const headers of previews) {
      const page = await getPage(`/wr/${eventId}`, headers);
      expect(page.status).toBe(200);
    }
    expect(await stats(eventId)).toEqual(before);
    // Not even for an event that does not exist: the page is served with a 404, and its script says why.
    const missing = await getPage(`/wr/${uniqueEventId('missing')}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(missing.text).toContain('data-screen="notfound"');
  });

  it("shows the event's name, and a rename within about a second", async () => {
    const eventId = uniqueEventId(`named-${mode}`);
    expect((await adm.createEvent({ eventId, name: 'Summer <Concert> 2026', limitCnt: 10 })).status).toBe(201);
    const page = await getPage(`/wr/${eventId}`);
    expect(page.text).toContain('<p class="event">Summer &#60;Concert&#62; 2026</p>');
    expect(page.text).toContain('Summer &#60;Concert&#62; 2026</title>');
    expect((await adm.patchEvent(eventId, { name: 'Winter Concert' })).status).toBe(200);
    await eventually(async () => (await getPage(`/wr/${eventId}`)).text.includes('<p class="event">Winter Concert</p>'), 10_000, 'the new name');
  });

  it('serves the page with a strict CSP, no-referrer, nosniff and no-store, and no inline script', async () => {
    const page = await getPage('/wr/concert-2026');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');

    const { sources, inline } = scriptsOf(page.text);
    expect(inline).toEqual([]);
    expect(sources).toEqual([expect.stringMatching(/^assets\/waiting-room\.js\?v=[A-Za-z0-9_-]+$/)]);
    expect(page.text).not.toMatch(/\sstyle=/);
    expect(page.text).not.toMatch(/\son[a-z]+=/);
    expect(page.text).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    const doc = await foyer.http.get('/docs-json');
    expect(Object.keys(doc.body.paths['/wr/{eventId}'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.body.paths).filter((path) => path.startsWith('/wr/assets'))).toEqual([]);
    const config = JSON.parse(/<script type="application\/json" id="wr-config">([^<]*)<\/script>/.exec(page.text)![1]);
    expect(config).toMatchObject({ eventId: 'concert-2026', lang: 'en', text: { etaUnknown: 'unknown' } });
    // The poll timer's worker is same-origin, which script-src 'self' allows (worker-src falls back to it).
    expect(config.timerUrl).toMatch(/^assets\/waiting-room-timer\.js\?v=[A-Za-z0-9_-]+$/);
    const timer = await foyer.http.get('/wr/' + config.timerUrl);
    expect(timer.status).toBe(200);
    expect(timer.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(timer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(timer.text).toContain('postMessage');
  });

  it('answers 404 with the page\'s "no waiting room here" screen for an id that cannot be an eventId', async () => {
    for (const path of ['/wr/bad%20id', '/wr/bad%20id!', `/wr/${'a'.repeat(65)}`, '/wr/%3Cscript%3E', '/wr/caf%C3%A9']) {
      const answer = await getPage(path);
      expect({ path, status: answer.status, type: answer.headers.get('content-type') }).toEqual({ path, status: 404, type: 'text/html; charset=utf-8' });
      expect(configOf(answer.text)).toMatchObject({ eventStatus: 'MISSING' });
      expect(answer.text).toContain('data-screen="notfound"');
      expect(answer.text).not.toContain('<script>alert');
    }
    // Not the page's route at all: the contract's JSON 404.
    const nested = await getPage('/wr/a/b');
    expect({ status: nested.status, body: nested.body }).toMatchObject({ status: 404, body: { statusCode: 404, code: 'NOT_FOUND' } });
    expect((await getPage(`/wr/${'a'.repeat(64)}`)).status).toBe(200);
    expect((await getPage('/wr/Sale_2026.v2-final')).status).toBe(200);
  });

  it('speaks the language the browser prefers, or the one chosen with ?lang=, remembered in a cookie', async () => {
    const langOf = (html: string) => /<html lang="([a-z]+)">/.exec(html)?.[1];
    expect(langOf((await getPage('/wr/e1')).text)).toBe('en');
    expect(langOf((await getPage('/wr/e1', { 'accept-language': 'ko-KR,ko;q=0.9,en-US;q=0.8' })).text)).toBe('ko');
    expect(langOf((await getPage('/wr/e1', { 'accept-language': 'fr-FR, en;q=0.5, ko;q=0.9' })).text)).toBe('ko');
    expect(langOf((await getPage('/wr/e1', { 'accept-language': 'de-DE' })).text)).toBe('en');

    const korean = await getPage('/wr/e1', { 'accept-language': 'ko' });
    expect(korean.text).toContain('<h1>대기 중입니다</h1>');
    expect(korean.text).toContain('"etaUnknown":"알 수 없음"');

    const chosen = await getPage('/wr/e1?lang=en', { 'accept-language': 'ko' });
    expect(langOf(chosen.text)).toBe('en');
    const cookie = chosen.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^wr_lang=en; /);
    expect(cookie).toContain('SameSite=Lax');
    const remembered = await getPage('/wr/e1', { 'accept-language': 'ko', cookie: 'other=1; wr_lang=en' });
    expect(langOf(remembered.text)).toBe('en');
    // An unknown choice is ignored, not an error, and sets nothing.
    const unknown = await getPage('/wr/e1?lang=fr', { 'accept-language': 'ko' });
    expect(unknown.status).toBe(200);
    expect(langOf(unknown.text)).toBe('ko');
    expect(unknown.headers.get('set-cookie')).toBeNull();
  });

  it('weighs what README.md says: the page, its stylesheet, its script and its timer worker, gzipped as served', async () => {
    const page = await getPage('/wr/concert-2026');
    const config = configOf(page.text);
    const paths = [
      '/wr/concert-2026',
      '/wr/' + /<link rel="stylesheet" href="([^"]+)">/.exec(page.text)![1],
      '/wr/' + scriptsOf(page.text).sources[0],
      '/wr/' + config.timerUrl,
    ];
    let bytes = 0;
    for (const path of paths) {
      const answer = await rawGet(foyer.url + path, { 'accept-encoding': 'gzip' });
      expect({ path, encoding: answer.headers['content-encoding'] }).toEqual({ path, encoding: 'gzip' });
      bytes += answer.body.length;
    }
    const kib = Math.round(bytes / 1024);
    process.stdout.write(`waiting-room page over the wire (gzip): ${bytes} bytes, about ${kib} KB (HTML, CSS, JS, timer worker)\n`);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const said = /plain HTML, CSS and JS, about (\d+) KB over the wire/.exec(readme);
    expect(said).not.toBeNull();
    expect(Math.abs(Number(said![1]) - kib)).toBeLessThanOrEqual(1);
  });

  it('serves the assets: cached for good under their version, briefly otherwise, gzipped, with ETags', async () => {
    const page = await getPage('/wr/concert-2026');
    const scriptPath = '/wr/' + scriptsOf(page.text).sources[0];
    const stylePath = '/wr/' + /<link rel="stylesheet" href="([^"]+)">/.exec(page.text)![1];

    const script = await foyer.http.get(scriptPath);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.text).toContain('v1/queue/enter');
    const style = await foyer.http.get(stylePath);
    expect(style.status).toBe(200);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');

    // Without the current version in the link: cached only briefly, so a new release is picked up.
    const unversioned = await foyer.http.get('/wr/assets/waiting-room.js?v=old');
    expect(unversioned.headers.get('cache-control')).toBe('public, max-age=300');
    expect(unversioned.text).toBe(script.text);

    const etag = script.headers.get('etag')!;
    const notModified = await foyer.http.get(scriptPath, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);

    // fetch() decodes gzip itself; a raw request shows what travels, and that it is small.
    const raw = await rawGet(foyer.url + scriptPath, { 'accept-encoding': 'gzip, deflate, br' });
    expect(raw.headers['content-encoding']).toBe('gzip');
    const gzipped = raw.body;
    expect(gunzipSync(gzipped).toString('utf8')).toBe(script.text);

    // Small enough for a slow phone: the page, its script and its stylesheet, as they travel.
    const html = await rawGet(foyer.url + '/wr/concert-2026', { 'accept-encoding': 'gzip' });
    expect(html.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(html.body).toString('utf8')).toBe(page.text);
    const css = await rawGet(foyer.url + stylePath, { 'accept-encoding': 'gzip' });
    const total = html.body.length + gzipped.length + css.body.length;
    expect(total).toBeLessThan(14 * 1024);

    expectError(await foyer.http.get('/wr/assets/nothing.js'), 404, 'NOT_FOUND');
    expectError(await foyer.http.get('/wr/assets/..%2F..%2Fpackage.json'), 404, 'NOT_FOUND');
  });
});
