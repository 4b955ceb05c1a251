import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PageAssets } from '../shared/page-assets.js';

/**
 * The dashboard's files, read once at start. The HTML is `dashboard.html` with each `{{name}}`
 * replaced by that asset's versioned link; the scripts' own imports (`./x.js`) are unversioned,
 * so those are revalidated by ETag each time.
 */
export class DashboardPage {
  private constructor(
    readonly assets: PageAssets,
    readonly html: string,
  ) {}

  /** Linked as `admin/assets/…`: relative, so it stays right behind a path prefix in front of Foyer. */
  static load(dir: string): DashboardPage {
    const assets = PageAssets.load(dir, 'admin/assets/', 'no-cache');
    return new DashboardPage(assets, assets.link(readFileSync(join(dir, 'dashboard.html'), 'utf8')));
  }
}
