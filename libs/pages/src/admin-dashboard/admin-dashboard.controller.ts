import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { FoyerError } from '@foyer/domain';
import { DashboardAssets } from './dashboard-assets.js';

export const DASHBOARD_ASSETS = Symbol('DashboardAssets');

/**
 * Scripts, styles and calls only to this origin; no inline script or style; never framed. The
 * admin key lives in the page's session storage, so no script from anywhere else may run there.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': DASHBOARD_CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** A link naming the current content may be cached for good; any other is revalidated each time. */
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

@ApiTags('pages')
@Controller('admin')
export class AdminDashboardController {
  constructor(@Inject(DASHBOARD_ASSETS) private readonly assets: DashboardAssets) {}

  @Get()
  @ApiOperation({
    summary: "The admins' live dashboard (HTML)",
    description:
      'Signs in with the admin key (kept in the tab’s session storage only) and uses the admin API: events, ' +
      'their stats and GET /v1/admin/events/{eventId}/series. The page itself holds no data.',
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the page' })
  page(@Res() reply: FastifyReply): void {
    void reply.headers(PAGE_HEADERS).send(this.assets.html);
  }

  @Get('assets/:file')
  @ApiExcludeEndpoint()
  asset(
    @Param('file') file: string,
    @Query('v') version: unknown,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    const asset = this.assets.get(file);
    if (!asset) throw new FoyerError('NOT_FOUND', 'no such asset');
    void reply.headers({
      'content-type': asset.contentType,
      'cache-control': version === asset.version ? IMMUTABLE_CACHE : REVALIDATE,
      etag: asset.etag,
      'x-content-type-options': 'nosniff',
    });
    if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag)) {
      void reply.code(304).send();
      return;
    }
    void reply.send(asset.body);
  }
}
