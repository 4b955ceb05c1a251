import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HTML_PAGE_HEADERS } from '../shared/page-headers.js';
import { DashboardPage } from './dashboard-page.js';

@ApiTags('pages')
@Controller('admin')
export class AdminDashboardController {
  constructor(private readonly dashboard: DashboardPage) {}

  @Get()
  @ApiOperation({
    operationId: 'getAdminDashboard',
    summary: "The admins' live dashboard (HTML)",
    description:
      'Signs in with the admin key (kept in the tab’s session storage only) and uses the admin API: events, ' +
      'their stats and GET /v1/admin/events/{eventId}/series. The page itself holds no data.',
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the page' })
  page(@Res() reply: FastifyReply): void {
    void reply.headers(HTML_PAGE_HEADERS).send(this.dashboard.html);
  }

  @Get('assets/:file')
  @ApiExcludeEndpoint()
  asset(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.dashboard.assets.serve(file, request, reply);
  }
}
