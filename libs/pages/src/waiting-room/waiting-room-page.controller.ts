import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { gzipSync } from 'node:zlib';
import { EVENT_ID_PATTERN, FoyerError } from '@foyer/domain';
import { ErrorResponseDto } from '@foyer/platform';
import { IMMUTABLE_CACHE, PageAssets, SHORT_CACHE } from './page-assets.js';
import { choosePageLanguage, isPageLanguage, LANGUAGE_COOKIE } from './page-language.js';
import { renderWaitingRoomPage } from './waiting-room-page.js';

export const WAITING_ROOM_ASSETS = Symbol('WaitingRoomAssets');

/**
 * Scripts and styles only from this origin, no inline script or style, and calls only back to
 * this origin (the page talks to the API it came from).
 */
export const PAGE_CSP = [
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
  'content-security-policy': PAGE_CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  vary: 'Accept-Language, Cookie, Accept-Encoding',
};

const ONE_YEAR_SEC = 365 * 24 * 3600;

@ApiTags('pages')
@Controller('wr')
export class WaitingRoomPageController {
  constructor(@Inject(WAITING_ROOM_ASSETS) private readonly assets: PageAssets) {}

  @Get('assets/:file')
  @ApiExcludeEndpoint()
  asset(
    @Param('file') file: string,
    @Query('v') version: unknown,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    const asset = this.assets.get(file);
    if (!asset) throw new FoyerError('NOT_FOUND', 'no such asset');
    void reply.headers({
      'content-type': asset.contentType,
      'cache-control': version === asset.version ? IMMUTABLE_CACHE : SHORT_CACHE,
      etag: asset.etag,
      vary: 'Accept-Encoding',
      'x-content-type-options': 'nosniff',
    });
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag)) {
      void reply.code(304).send();
      return;
    }
    if (asset.gzipped && /\bgzip\b/.test(acceptEncoding ?? '')) {
      void reply.header('content-encoding', 'gzip').send(asset.gzipped);
      return;
    }
    void reply.send(asset.body);
  }

  @Get(':eventId')
  @ApiOperation({
    summary: 'The waiting-room page of an event (HTML)',
    description:
      'Takes no place by itself (link previews and crawlers are harmless): its script enters with POST /v1/queue/enter, ' +
      'or resumes with the ticket it keeps in localStorage, then polls GET /v1/queue/status. In English or Korean, by ' +
      '`?lang=` (remembered in a cookie), else by Accept-Language.',
  })
  @ApiParam({ name: 'eventId', description: '[A-Za-z0-9._-]{1,64}' })
  @ApiQuery({ name: 'lang', required: false, enum: ['en', 'ko'] })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the page' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND: not a valid eventId' })
  page(
    @Param('eventId') eventId: string,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Headers('cookie') cookie: string | undefined,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    // Whether the event exists is left to the script's enter: the page itself reads no store.
    if (!EVENT_ID_PATTERN.test(eventId)) throw new FoyerError('NOT_FOUND', 'no waiting room here');
    const chosen = choosePageLanguage({ query: typeof lang === 'string' ? lang : undefined, cookie, acceptLanguage });
    void reply.headers(PAGE_HEADERS);
    if (isPageLanguage(lang)) {
      // No Path: the default is the page's folder (/wr), which stays right behind a path prefix.
      void reply.header('set-cookie', `${LANGUAGE_COOKIE}=${lang}; Max-Age=${ONE_YEAR_SEC}; SameSite=Lax`);
    }
    const html = renderWaitingRoomPage({
      eventId,
      lang: chosen,
      scriptUrl: this.assets.url('waiting-room.js'),
      stylesheetUrl: this.assets.url('waiting-room.css'),
    });
    // A third of the bytes on a slow phone, for about 0.1 ms here.
    if (/\bgzip\b/.test(acceptEncoding ?? '')) {
      void reply.header('content-encoding', 'gzip').send(gzipSync(html));
      return;
    }
    void reply.send(html);
  }
}
