import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnterQueue, PollPlace } from '@foyer/application';
import type { QueueState } from '@foyer/domain';
import { answerWith, bearer, createValidationPipe, ErrorResponseDto, ServedPlainly } from '@foyer/platform';
import { EnterDto, plainEnterBody } from './enter.dto.js';
import { EnterRateLimiter } from './enter-rate-limiter.js';
import { QUEUE_STATE_SCHEMA, QueueStateDto } from './queue-state.dto.js';

/** 200 answers are written by a serialiser compiled for QueueState (however the route is served). */
const AnswersQueueState = () => RouteSchema({ response: { 200: QUEUE_STATE_SCHEMA } });

/**
 * Enter and poll, the two routes every visitor calls over and over. Fastify serves both with the
 * `serve…` methods (`ServedPlainly`): they call the Nest methods with what Nest would pass them,
 * without Nest's per-request pipeline, which cost as much as the rest of a poll.
 */
@ApiTags('visitors')
@Controller('v1/queue')
export class QueueController {
  /** The app's global pipe: a body the quick check does not pass gets exactly the answer it would. */
  private readonly bodies = createValidationPipe();

  constructor(
    private readonly enterQueue: EnterQueue,
    private readonly pollPlace: PollPlace,
    private readonly rateLimiter: EnterRateLimiter,
  ) {}

  @Post('enter')
  @HttpCode(200)
  @ServedPlainly('serveEnter')
  @AnswersQueueState()
  @ApiOperation({
    operationId: 'enterQueue',
    summary: 'Take a place in the line, or resume one with its ticket',
    description:
      'Answers ENTER at once while the event is OPEN, nobody waits and there is room; else WAIT with rank and ETA. ' +
      'With `authorization: Bearer <ticket>` it resumes the place (paced like a poll). An EXPIRED place enters again at the back. ' +
      'Only enters that take a new place count against ENTER_RATE_LIMIT_PER_MIN.',
  })
  // The ticket is optional here: {} (no credential) or the ticket, which resumes the place.
  @ApiSecurity({})
  @ApiBearerAuth('ticket')
  @ApiBody({
    type: EnterDto,
    examples: {
      id: { summary: "with the customer's user id", value: { eventId: 'concert-2026', id: 'user-123' } },
      serverMadeId: { summary: 'without an id: the server makes one', value: { eventId: 'concert-2026' } },
      idToken: {
        summary: "with an idToken from the customer's backend (SIGNED events)",
        value: { eventId: 'concert-2026', idToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyIsImV2dCI6ImNvbmNlcnQtMjAyNiJ9.c2lnbmF0dXJl' },
      },
      resume: { summary: 'resume a place: only the eventId, with authorization: Bearer <ticket>', value: { eventId: 'concert-2026' } },
    },
  })
  @ApiResponse({ status: 200, type: QueueStateDto, description: 'the QueueState of the place' })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED, INVALID_JSON, ID_TOKEN_REQUIRED' })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'INVALID_TICKET, INVALID_ID_TOKEN' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'EVENT_NOT_OPEN, ALREADY_QUEUED' })
  @ApiResponse({ status: 429, type: ErrorResponseDto, description: 'RATE_LIMITED, POLL_TOO_FREQUENT (with retry-after)' })
  async enter(@Body() body: EnterDto, @Headers('authorization') authorization: string | undefined, @Req() request: FastifyRequest): Promise<QueueState> {
    const ticket = authorization === undefined ? null : (bearer(authorization) ?? '');
    if (ticket === null && this.rateLimiter.enabled) await this.rateLimiter.check(request.ip);
    return this.enterQueue.execute({ eventId: body.eventId, id: body.id, idToken: body.idToken, ticket });
  }

  /** `POST /v1/queue/enter` as Fastify serves it: the body validated as the global pipe would. */
  serveEnter(request: FastifyRequest, reply: FastifyReply): void {
    const body = plainEnterBody(request.body);
    answerWith(
      reply,
      body !== null
        ? this.enter(body, request.headers.authorization, request)
        : this.validBody(request.body).then((valid) => this.enter(valid, request.headers.authorization, request)),
    );
  }

  @Get('status')
  @ServedPlainly('serveStatus')
  @AnswersQueueState()
  @ApiBearerAuth('ticket')
  @ApiOperation({ operationId: 'pollQueue', summary: "Poll a place's state with its ticket (a heartbeat while waiting)" })
  @ApiResponse({ status: 200, type: QueueStateDto, description: 'the QueueState of the place' })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'INVALID_TICKET' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  @ApiResponse({ status: 429, type: ErrorResponseDto, description: 'POLL_TOO_FREQUENT (with retry-after)' })
  status(@Headers('authorization') authorization: string | undefined): Promise<QueueState> {
    return this.pollPlace.execute(bearer(authorization));
  }

  /** `GET /v1/queue/status` as Fastify serves it. */
  serveStatus(request: FastifyRequest, reply: FastifyReply): void {
    answerWith(reply, this.status(request.headers.authorization));
  }

  private async validBody(body: unknown): Promise<EnterDto> {
    return (await this.bodies.transform(body, { type: 'body', metatype: EnterDto })) as EnterDto;
  }
}
