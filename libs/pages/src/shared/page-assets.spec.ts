import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PageAssets } from './page-assets.js';

describe('PageAssets', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'page-assets-'));
    for (const dir of ['kept', 'generated']) mkdirSync(join(root, dir));
    writeFileSync(join(root, 'kept', 'page.css'), 'body { color: black; }');
    writeFileSync(join(root, 'kept', 'notes.txt'), 'not served');
    writeFileSync(join(root, 'generated', 'page.js'), 'console.log(1);');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('serves the files kept in git and the ones the build makes as one folder, by type only', () => {
    const assets = PageAssets.load([join(root, 'kept'), join(root, 'generated')], 'assets/', 'no-cache');
    expect(assets.get('page.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('page.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.get('notes.txt')).toBeUndefined();
    expect(assets.link('<script src="{{page.js}}"></script>')).toMatch(/^<script src="assets\/page\.js\?v=[\w-]{12}"><\/script>$/);
  });

  it('refuses a name in both folders: which one is served must never depend on order', () => {
    writeFileSync(join(root, 'kept', 'page.js'), 'console.log(0);');
    expect(() => PageAssets.load([join(root, 'kept'), join(root, 'generated')], 'assets/', 'no-cache')).toThrow(/more than one folder/);
  });
});
