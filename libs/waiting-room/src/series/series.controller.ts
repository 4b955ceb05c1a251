import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminGuard, ErrorResponseDto } from '@foyer/platform';
import { EventSeriesService } from './event-series.service.js';
import { EventSeriesDto, SeriesQueryDto } from './series.dto.js';

@ApiTags('admin')
@ApiBearerAuth('admin')
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED: missing or wrong admin key' })
@UseGuards(AdminGuard)
@Controller('v1/admin/events')
export class EventSeriesController {
  constructor(private readonly history: EventSeriesService) {}

  @Get(':eventId/series')
  @ApiOperation({
    operationId: 'getEventSeries',
    summary: "An event's recent history: one point per sampling interval",
    description:
      'The scheduler samples every event once per interval (10 s by default: ten scheduler ticks, ' +
      'between 1 and 10 s) and keeps an hour. Rates per minute come from consecutive samples.',
  })
  @ApiResponse({ status: 200, type: EventSeriesDto, description: 'the sampled history, oldest point first' })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED: minutes is not an integer 1..60' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  async get(@Param('eventId') eventId: string, @Query() query: SeriesQueryDto): Promise<EventSeriesDto> {
    const points = await this.history.recent(eventId, query.minutes);
    return {
      eventId,
      intervalSec: this.history.settings.intervalMs / 1000,
      minutes: query.minutes,
      points: points.map((point) => ({ ...point, at: new Date(point.at).toISOString() })),
    };
  }
}
