import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface DashboardAsset {
  contentType: string;
  body: Buffer;
  /** A short content hash: the `v` of versioned links, and the ETag. */
  version: string;
  etag: string;
}

/**
 * The dashboard's files, read once at start (a few kilobytes): no request path ever reaches the
 * file system. The HTML is `dashboard.html` with `{{name}}` replaced by each asset's versioned
 * link; the scripts' own imports (`./x.js`) are unversioned and revalidated by ETag.
 */
export class DashboardAssets {
  private constructor(
    private readonly byName: ReadonlyMap<string, DashboardAsset>,
    readonly html: string,
  ) {}

  /** `urlPrefix`: how the page links the folder; relative, so a path prefix in front of Foyer still works. */
  static load(dir: string, urlPrefix: string): DashboardAssets {
    const byName = new Map<string, DashboardAsset>();
    for (const name of readdirSync(dir)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (!contentType) continue;
      const body = readFileSync(join(dir, name));
      const version = createHash('sha256').update(body).digest('base64url').slice(0, 12);
      byName.set(name, { contentType, body, version, etag: `"${version}"` });
    }
    const html = readFileSync(join(dir, 'dashboard.html'), 'utf8').replace(/\{\{([\w.-]+)\}\}/g, (_match, name: string) => {
      const asset = byName.get(name);
      if (!asset) throw new Error(`dashboard.html links '${name}', which is not in ${dir}`);
      return `${urlPrefix}${name}?v=${asset.version}`;
    });
    return new DashboardAssets(byName, html);
  }

  get(name: string): DashboardAsset | undefined {
    return this.byName.get(name);
  }
}
