import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnterQueue, PollPlace } from '@foyer/application';
import type { QueueState } from '@foyer/domain';
import { answerWith, bearer, createValidationPipe, ErrorResponseDto, ServedPlainly } from '@foyer/platform';
import { EnterDto, IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, plainEnterBody } from './enter.dto.js';
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
      'Enters without a ticket count against ENTER_RATE_LIMIT_PER_MIN, retries with an Idempotency-Key too (an unpaced retry is no way to poll).\n\n' +
      'Send an `Idempotency-Key` (a fresh random key per new enter) and send the same key again on every retry of that enter: ' +
      'the key is recorded with the place in the same atomic step, so a retry finds the place even when the first try ran after its answer was lost. ' +
      'The same key with the same body answers that place as it stands now (same ticket; once it lapsed, its EXPIRED or BLOCK state), never a new one; ' +
      'with another body (another id, idToken subject, or a server-made id against a named one) it is 409 IDEMPOTENCY_KEY_REUSED. ' +
      'A key is scoped to its event and is a bearer secret (it yields the ticket): Foyer stores only its SHA-256. Without a key, a server-made id is random; with one, it is derived from the key.\n\n' +
      'On SIGNED events a valid idToken proves who enters: an id that holds a place or session gets that place with its ticket instead of 409 ALREADY_QUEUED.\n\n' +
      '**What an answer means for a retry.** 503 STORE_UNAVAILABLE, 500, 502, 504, a timeout or no answer: the enter may or may not have taken a place; ' +
      'retry with the same Idempotency-Key (after retry-after when given). 429 RATE_LIMITED: nothing happened; retry later with the same key. ' +
      '400, 401, 404, 409 EVENT_NOT_OPEN, 409 ALREADY_QUEUED, 409 IDEMPOTENCY_KEY_REUSED: nothing happened and the same request will be refused again.',
  })
  // The ticket is optional here: {} (no credential) or the ticket, which resumes the place.
  @ApiSecurity({})
  @ApiBearerAuth('ticket')
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description:
      'A fresh random key per new enter (the page and the SDK send 128 random bits as 32 hex digits), sent again unchanged on every retry of that enter. ' +
      '16 to 128 printable ASCII characters, else 400 VALIDATION_FAILED',
    schema: { type: 'string', minLength: 16, maxLength: 128, pattern: '^[\\x20-\\x7e]{16,128}$', example: '6f1c0e9a52d84b7f9a3e2c1d0b4a5f68' },
  })
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
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'VALIDATION_FAILED, INVALID_JSON, ID_TOKEN_REQUIRED (a malformed Idempotency-Key is VALIDATION_FAILED)',
  })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'INVALID_TICKET, INVALID_ID_TOKEN' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'EVENT_NOT_OPEN, ALREADY_QUEUED, IDEMPOTENCY_KEY_REUSED (nothing happened)' })
  @ApiResponse({ status: 429, type: ErrorResponseDto, description: 'RATE_LIMITED, POLL_TOO_FREQUENT (with retry-after)' })
  async enter(@Body() body: EnterDto, @Headers('authorization') authorization: string | undefined, @Req() request: FastifyRequest): Promise<QueueState> {
    const idempotencyKey = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]);
    const ticket = authorization === undefined ? null : (bearer(authorization) ?? '');
    if (ticket === null && this.rateLimiter.enabled) await this.rateLimiter.check(request.ip);
    return this.enterQueue.execute({ eventId: body.eventId, id: body.id, idToken: body.idToken, ticket, idempotencyKey });
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
