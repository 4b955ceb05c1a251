import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { QueueState } from '@foyer/domain';
import { bearer, ErrorResponseDto } from '@foyer/platform';
import { EnterDto } from './enter.dto.js';
import { EnterRateLimiter } from './enter-rate-limiter.js';
import { QueueService } from './queue.service.js';
import { QueueStateDto } from './queue-state.dto.js';

@ApiTags('visitors')
@Controller('v1/queue')
export class QueueController {
  constructor(
    private readonly queue: QueueService,
    private readonly rateLimiter: EnterRateLimiter,
  ) {}

  @Post('enter')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Take a place in the line, or resume one with its ticket',
    description:
      'Answers ENTER at once while the event is OPEN, nobody waits and there is room; else WAIT with rank and ETA. ' +
      'With `authorization: Bearer <ticket>` it resumes the place (paced like a poll). An EXPIRED place enters again at the back. ' +
      'Only enters that take a new place count against ENTER_RATE_LIMIT_PER_MIN.',
  })
  @ApiHeader({ name: 'authorization', required: false, description: 'Bearer <ticket> to resume a place' })
  @ApiResponse({ status: 200, type: QueueStateDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED, INVALID_JSON, ID_TOKEN_REQUIRED' })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'INVALID_TICKET, INVALID_ID_TOKEN' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'EVENT_NOT_OPEN, ALREADY_QUEUED' })
  @ApiResponse({ status: 429, type: ErrorResponseDto, description: 'RATE_LIMITED, POLL_TOO_FREQUENT (with retry-after)' })
  async enter(
    @Body() body: EnterDto,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<QueueState> {
    const ticket = authorization === undefined ? null : (bearer(authorization) ?? '');
    if (ticket === null) await this.rateLimiter.check(request.ip);
    return this.queue.enter({ eventId: body.eventId, id: body.id, idToken: body.idToken, ticket });
  }

  @Get('status')
  @ApiBearerAuth('ticket')
  @ApiOperation({ summary: "Poll a place's state with its ticket (a heartbeat while waiting)" })
  @ApiResponse({ status: 200, type: QueueStateDto })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'INVALID_TICKET' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  @ApiResponse({ status: 429, type: ErrorResponseDto, description: 'POLL_TOO_FREQUENT (with retry-after)' })
  status(@Headers('authorization') authorization: string | undefined): Promise<QueueState> {
    return this.queue.status(bearer(authorization));
  }
}
