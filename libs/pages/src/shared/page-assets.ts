import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FoyerError } from '@foyer/domain';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** A link that names the current content (`?v=<hash>`) may be cached for good. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export interface PageAsset {
  name: string;
  contentType: string;
  body: Buffer;
  /** The same body gzipped, when that is smaller. */
  gzipped: Buffer | null;
  /** A short content hash: the `v` of the asset's links and its ETag. */
  version: string;
  etag: string;
}

/**
 * A page's static files, read once at start: a few kilobytes, so serving them from memory (and
 * gzipped ahead of time) costs nothing per request and needs no file system access after start.
 * Only files present at start can be served, so no request path ever reaches the file system.
 */
export class PageAssets {
  private constructor(
    private readonly urlPrefix: string,
    private readonly byName: ReadonlyMap<string, PageAsset>,
    /** Cache-Control of a link without the current version (say, a module's own `./x.js` import). */
    private readonly unversionedCache: string,
  ) {}

  /**
   * `dirs`: the folders served as one (the files kept in git and the ones the build makes; a name
   * may be in only one). `urlPrefix`: how the page links to them, e.g. `assets/` (relative, so a
   * path prefix in front of Foyer still works).
   */
  static load(dirs: string | readonly string[], urlPrefix: string, unversionedCache: string): PageAssets {
    const byName = new Map<string, PageAsset>();
    const files = (typeof dirs === 'string' ? [dirs] : dirs).flatMap((dir) => readdirSync(dir).map((name) => ({ dir, name })));
    for (const { dir, name } of files) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (!contentType) continue;
      if (byName.has(name)) throw new Error(`page asset '${name}' is in more than one folder`);
      const body = readFileSync(join(dir, name));
      const gzipped = gzipSync(body, { level: 9 });
      const version = createHash('sha256').update(body).digest('base64url').slice(0, 12);
      byName.set(name, {
        name,
        contentType,
        body,
        gzipped: gzipped.length < body.length ? gzipped : null,
        version,
        etag: `"${version}"`,
      });
    }
    return new PageAssets(urlPrefix, byName, unversionedCache);
  }

  get(name: string): PageAsset | undefined {
    return this.byName.get(name);
  }

  /** The link to an asset, naming its version so browsers may cache it for good. */
  url(name: string): string {
    const asset = this.byName.get(name);
    if (!asset) throw new Error(`no page asset '${name}'`);
    return `${this.urlPrefix}${name}?v=${asset.version}`;
  }

  /** `template` with each `{{name}}` replaced by that asset's versioned link. */
  link(template: string): string {
    return template.replace(/\{\{([\w.-]+)\}\}/g, (_match, name: string) => this.url(name));
  }

  /**
   * Answers a request for the asset named `file` (404 NOT_FOUND when there is none): 304 when the
   * browser has it, gzipped when it may be, cached for good when asked for by its current version.
   */
  serve(file: string, request: FastifyRequest, reply: FastifyReply): void {
    const asset = this.get(file);
    if (!asset) throw new FoyerError('NOT_FOUND', 'no such asset');
    const version = (request.query as Record<string, unknown> | undefined)?.v;
    const ifNoneMatch = request.headers['if-none-match'];
    void reply.headers({
      'content-type': asset.contentType,
      'cache-control': version === asset.version ? IMMUTABLE_CACHE : this.unversionedCache,
      etag: asset.etag,
      vary: 'Accept-Encoding',
      'x-content-type-options': 'nosniff',
    });
    if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag)) {
      void reply.code(304).send();
      return;
    }
    if (asset.gzipped && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
      void reply.header('content-encoding', 'gzip').send(asset.gzipped);
      return;
    }
    void reply.send(asset.body);
  }
}
