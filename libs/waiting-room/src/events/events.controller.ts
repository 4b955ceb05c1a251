import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { EventRecord, QueueStats } from '@foyer/domain';
import { AdminGuard, ErrorResponseDto } from '@foyer/platform';
import { CreateEventDto, EventDto, EventListDto, EventWithStatsDto, UpdateEventDto } from './event.dto.js';
import { EventsService } from './events.service.js';

@ApiTags('admin')
@ApiBearerAuth('admin')
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED: missing or wrong admin key' })
@UseGuards(AdminGuard)
@Controller('v1/admin/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an event' })
  @ApiResponse({ status: 201, type: EventDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'EVENT_EXISTS' })
  async create(@Body() body: CreateEventDto): Promise<EventDto> {
    return toEventDto(await this.events.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'List events' })
  @ApiResponse({ status: 200, type: EventListDto })
  async list(): Promise<EventListDto> {
    return { items: (await this.events.list()).map(toEventDto) };
  }

  @Get(':eventId')
  @ApiOperation({ summary: 'Read an event with its live stats' })
  @ApiResponse({ status: 200, type: EventWithStatsDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  async get(@Param('eventId') eventId: string): Promise<EventWithStatsDto> {
    const event = await this.events.get(eventId);
    return { ...toEventDto(event), stats: statsOf(event.stats) };
  }

  @Patch(':eventId')
  @ApiOperation({ summary: 'Change any subset of the writable settings (effective within one scheduler tick)' })
  @ApiResponse({ status: 200, type: EventDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  async update(@Param('eventId') eventId: string, @Body() body: UpdateEventDto): Promise<EventDto> {
    return toEventDto(await this.events.update(eventId, body));
  }

  @Delete(':eventId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an event and its queue state' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  async delete(@Param('eventId') eventId: string): Promise<void> {
    await this.events.delete(eventId);
  }
}

function toEventDto(event: EventRecord): EventDto {
  return {
    eventId: event.eventId,
    name: event.name,
    limitCnt: event.limitCnt,
    status: event.status,
    successUrl: event.successUrl,
    callbackUrl: event.callbackUrl,
    sessionTtlSec: event.sessionTtlSec,
    waitTimeoutSec: event.waitTimeoutSec,
    minPollIntervalMs: event.minPollIntervalMs,
    blockReentry: event.blockReentry,
    idPolicy: event.idPolicy,
    message: event.message,
    createdAt: event.createdAt.toISOString(),
    updatedAt: event.updatedAt.toISOString(),
  };
}

function statsOf(stats: QueueStats): QueueStats {
  const { waiting, active, admittedTotal, exitedTotal, expiredTotal, abandonedTotal } = stats;
  return { waiting, active, admittedTotal, exitedTotal, expiredTotal, abandonedTotal };
}
