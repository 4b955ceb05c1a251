import { Controller, Get, Headers, Inject, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { gzipSync } from 'node:zlib';
import { EVENT_ID_PATTERN, type EventLookup, type EventRecord } from '@foyer/domain';
import { EVENT_LOOKUP } from '@foyer/platform';
import { PageAssets } from '../shared/page-assets.js';
import { HTML_PAGE_HEADERS } from '../shared/page-headers.js';
import { choosePageLanguage, isPageLanguage, LANGUAGE_COOKIE } from './page-language.js';
import { renderWaitingRoomPage } from './waiting-room-page.js';

export const WAITING_ROOM_ASSETS = Symbol('WaitingRoomAssets');

const PAGE_HEADERS = { ...HTML_PAGE_HEADERS, vary: 'Accept-Language, Cookie, Accept-Encoding' };

const ONE_YEAR_SEC = 365 * 24 * 3600;

@ApiTags('pages')
@Controller('wr')
export class WaitingRoomPageController {
  private readonly logger = new Logger('WaitingRoomPage');

  constructor(
    @Inject(WAITING_ROOM_ASSETS) private readonly assets: PageAssets,
    @Inject(EVENT_LOOKUP) private readonly events: EventLookup,
  ) {}

  @Get('assets/:file')
  @ApiExcludeEndpoint()
  asset(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.assets.serve(file, request, reply);
  }

  @Get(':eventId')
  @ApiOperation({
    operationId: 'getWaitingRoomPage',
    summary: 'The waiting-room page of an event (HTML)',
    description:
      'Takes no place by itself (link previews and crawlers are harmless): its script enters with POST /v1/queue/enter, ' +
      'or resumes with the ticket it keeps in localStorage, then polls GET /v1/queue/status. In English or Korean, by ' +
      "`?lang=` (remembered in a cookie), else by Accept-Language. It shows the event's name, read through the " +
      'one-second event cache; an event that does not exist gets the same page with status 404 (its script shows why).',
  })
  @ApiParam({ name: 'eventId', description: '[A-Za-z0-9._-]{1,64}' })
  @ApiQuery({ name: 'lang', required: false, enum: ['en', 'ko'] })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the page' })
  @ApiResponse({
    status: 404,
    description: 'an HTML page saying there is no such event (also for an id that cannot be an eventId)',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  async page(
    @Param('eventId') eventId: string,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Headers('cookie') cookie: string | undefined,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // An id that cannot be an eventId gets the page's "no waiting room here" screen too.
    const event = EVENT_ID_PATTERN.test(eventId) ? await this.readEvent(eventId) : 'missing';
    const chosen = choosePageLanguage({ query: typeof lang === 'string' ? lang : undefined, cookie, acceptLanguage });
    const missing = event === 'missing';
    void reply.code(event === null || missing ? 404 : 200).headers(PAGE_HEADERS);
    if (isPageLanguage(lang)) {
      // No Path: the default is the page's folder (/wr), which stays right behind a path prefix.
      void reply.header('set-cookie', `${LANGUAGE_COOKIE}=${lang}; Max-Age=${ONE_YEAR_SEC}; SameSite=Lax`);
    }
    const html = renderWaitingRoomPage({
      eventId,
      eventName: missing ? eventId : (event?.name ?? eventId),
      eventStatus: missing ? 'MISSING' : (event?.status ?? null),
      lang: chosen,
      scriptUrl: this.assets.url('waiting-room.js'),
      stylesheetUrl: this.assets.url('waiting-room.css'),
      timerUrl: this.assets.url('waiting-room-timer.js'),
    });
    // A third of the bytes on a slow phone, for about 0.1 ms here.
    if (/\bgzip\b/.test(acceptEncoding ?? '')) {
      void reply.header('content-encoding', 'gzip').send(gzipSync(html));
      return;
    }
    void reply.send(html);
  }

  /**
   * The event, `null` when there is none, or `undefined` when it cannot be read now: the page is
   * still served (under its id), since its script only needs the queue routes.
   */
  private async readEvent(eventId: string): Promise<EventRecord | null | undefined> {
    try {
      return await this.events.get(eventId);
    } catch (err) {
      this.logger.warn(`serving the page of '${eventId}' without its name: ${(err as Error).message}`);
      return undefined;
    }
  }
}
