import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ operationId: 'createEvent', summary: 'Create an event' })
  @ApiBody({
    type: CreateEventDto,
    examples: {
      minimal: { summary: 'the required fields', value: { eventId: 'concert-2026', name: 'Concert 2026 presale', limitCnt: 1000 } },
      full: {
        summary: 'with the optional settings',
        value: {
          eventId: 'concert-2026',
          name: 'Concert 2026 presale',
          limitCnt: 1000,
          status: 'DRAFT',
          successUrl: 'https://shop.example/checkout',
          callbackUrl: 'https://shop.example/foyer-hook',
          sessionTtlSec: 600,
          waitTimeoutSec: 300,
          minPollIntervalMs: 1000,
          blockReentry: true,
          idPolicy: 'OPEN',
          message: 'Doors open at 10:00',
        },
      },
    },
  })
  @ApiResponse({ status: 201, type: EventDto, description: 'the created event' })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'EVENT_EXISTS' })
  async create(@Body() body: CreateEventDto): Promise<EventDto> {
    return toEventDto(await this.events.create(body));
  }

  @Get()
  @ApiOperation({ operationId: 'listEvents', summary: 'List events' })
  @ApiResponse({ status: 200, type: EventListDto, description: 'every event' })
  async list(): Promise<EventListDto> {
    return { items: (await this.events.list()).map(toEventDto) };
  }

  @Get(':eventId')
  @ApiOperation({ operationId: 'getEvent', summary: 'Read an event with its live stats' })
  @ApiResponse({ status: 200, type: EventWithStatsDto, description: 'the event and its live stats' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  async get(@Param('eventId') eventId: string): Promise<EventWithStatsDto> {
    const event = await this.events.get(eventId);
    return { ...toEventDto(event), stats: { ...statsOf(event.stats), journalPending: event.journal.pending, journalLagMs: event.journal.lagMs } };
  }

  @Patch(':eventId')
  @ApiOperation({ operationId: 'updateEvent', summary: 'Change any subset of the writable settings (effective within one scheduler tick)' })
  @ApiBody({
    type: UpdateEventDto,
    examples: {
      open: { summary: 'open the doors', value: { status: 'OPEN' } },
      capacity: { summary: 'admit more at once, and say so', value: { limitCnt: 2000, message: 'More seats released' } },
      clearMessage: { summary: 'clear the operator message', value: { message: null } },
    },
  })
  @ApiResponse({ status: 200, type: EventDto, description: 'the event as changed' })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  async update(@Param('eventId') eventId: string, @Body() body: UpdateEventDto): Promise<EventDto> {
    return toEventDto(await this.events.update(eventId, body));
  }

  @Delete(':eventId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteEvent', summary: 'Delete an event and its queue state' })
  @ApiResponse({ status: 204, description: 'deleted, with its queue state' })
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
