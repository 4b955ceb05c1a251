/**
 * The admin dashboard's HTTP side (`GET /admin` and its assets): a strict CSP with no inline
 * script, no referrer, never cached, and assets served only from the page's own folder. The page
 * itself, in Chromium, is in page-admin-dashboard.test.ts.
 */
import { jest } from '@jest/globals';
import { EVENT_DEFAULTS, EVENT_ID_PATTERN, EVENT_LIMITS, EVENT_STATUSES, ID_POLICIES } from '@foyer/domain';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { expectError } from './support/visitors.js';

jest.setTimeout(60_000);

describe('GET /admin', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('embedded');
    foyer = await startFoyer(backing);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  /** The page's links to its own assets, resolved against the page. */
  function assetLinks(html: string): string[] {
    return [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, link]) => {
      const url = new URL(link, `${foyer.url}/admin`);
      return url.pathname + url.search;
    });
  }

  it('is HTML with a strict CSP, no referrer and no caching, and no admin key needed to load it', async () => {
    const page = await foyer.http.get('/admin');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp.split('; ')).toEqual(
      expect.arrayContaining(["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]),
    );
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(page.text).toContain('<title>Foyer · Admin</title>');
    expect(page.text).not.toMatch(/\{\{/); // every asset link was filled in
  });

  it("has no inline script or style: every script is loaded from the page's own folder", async () => {
    const { text } = await foyer.http.get('/admin');
    const elements = [...text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    // A JSON block is data, which no browser runs (the config below), not a script.
    const scripts = elements.filter(([, attributes]) => !/\stype="application\/json"/.test(attributes));
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="admin\/assets\/[\w.-]+\.js\?v=[\w-]+"/);
      expect(body.trim()).toBe('');
    }
    expect(elements.length - scripts.length).toBe(1);
    expect(text).not.toMatch(/<style\b|\sstyle="|\son[a-z]+="/i);
  });

  it("hands the page the server's rules for events in its config, so the page restates none", async () => {
    const { text } = await foyer.http.get('/admin');
    const config = JSON.parse(/<script type="application\/json" id="dashboard-config">([^<]*)<\/script>/.exec(text)![1]);
    expect(config.event).toEqual({
      fields: expect.objectContaining({ name: 'text', limitCnt: 'integer', successUrl: 'url', blockReentry: 'boolean', idPolicy: 'choice' }),
      defaults: EVENT_DEFAULTS,
      limits: EVENT_LIMITS,
      statuses: EVENT_STATUSES,
      admitting: ['OPEN'],
      refusingEntry: ['DRAFT', 'CLOSED'],
      idPolicies: ID_POLICIES,
      idPattern: EVENT_ID_PATTERN.source,
    });
    // Every writable field of an event, and nothing else.
    expect(Object.keys(config.event.fields).sort()).toEqual(Object.keys(EVENT_DEFAULTS).concat('name', 'limitCnt').sort());
  });

  it('serves every linked asset and the scripts they import, versioned links for good', async () => {
    const { text } = await foyer.http.get('/admin');
    const links = assetLinks(text).filter((link) => link.startsWith('/admin/assets/'));
    expect(links.map((link) => link.replace(/\?.*/, '')).sort()).toEqual([
      '/admin/assets/dashboard.css',
      '/admin/assets/dashboard.js',
      '/admin/assets/favicon.svg',
    ]);
    for (const link of links) {
      const asset = await foyer.http.get(link);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const script = await foyer.http.get('/admin/assets/dashboard.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // Imports carry no version, so they are revalidated rather than cached for good.
    expect(script.headers.get('cache-control')).toBe('no-cache');
    for (const [, imported] of script.text.matchAll(/from '\.\/([\w-]+\.js)'/g)) {
      expect((await foyer.http.get(`/admin/assets/${imported}`)).status).toBe(200);
    }
    const etag = script.headers.get('etag') ?? '';
    expect((await foyer.http.get('/admin/assets/dashboard.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves nothing outside its folder', async () => {
    for (const path of [
      '/admin/assets/dashboard.html',
      '/admin/assets/nope.js',
      '/admin/assets/..%2Fadmin-dashboard.module.ts',
      '/admin/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    ]) {
      expectError(await foyer.http.get(path), 404, 'NOT_FOUND');
    }
  });

  it('lists the page in the OpenAPI document, but not its assets', async () => {
    const doc = await foyer.http.get('/docs-json');
    expect(doc.body.paths['/admin']?.get).toBeDefined();
    expect(Object.keys(doc.body.paths).filter((path) => path.startsWith('/admin/assets'))).toEqual([]);
  });
});
