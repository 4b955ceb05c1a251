import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PageAssets } from '../shared/page-assets.js';
import { jsonForHtml } from '../shared/page-html.js';
import { dashboardConfig } from './dashboard-config.js';

/** Where dashboard.html takes the config JSON (see dashboard-config.ts). */
const CONFIG_SLOT = '{{config}}';

/**
 * The dashboard's files, read once at start. The HTML is `dashboard.html` with each `{{name}}`
 * replaced by that asset's versioned link, and `{{config}}` by the page's config; the scripts' own
 * imports (`./x.js`) are unversioned, so those are revalidated by ETag each time.
 */
export class DashboardPage {
  private constructor(
    readonly assets: PageAssets,
    readonly html: string,
  ) {}

  /** Linked as `admin/assets/…`: relative, so it stays right behind a path prefix in front of Foyer. */
  static load(dir: string): DashboardPage {
    const assets = PageAssets.load(dir, 'admin/assets/', 'no-cache');
    const template = readFileSync(join(dir, 'dashboard.html'), 'utf8');
    // Links are filled around the config, so nothing in the JSON is ever read as a link.
    const html = template
      .split(CONFIG_SLOT)
      .map((part) => assets.link(part))
      .join(jsonForHtml(dashboardConfig()));
    return new DashboardPage(assets, html);
  }
}
