import { Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ERROR_CODES, FoyerError, StoreUnavailableError, type ErrorCode } from '@foyer/domain';
import { ERROR_STATUS, sendError } from './foyer-exception.filter.js';

/** A reply that records what the filter sends. */
function recordingReply() {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

/** API.md's table of codes and statuses, restated so a change to either side is a visible one. */
const CONTRACT: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  MALFORMED_REQUEST: 400,
  ID_TOKEN_REQUIRED: 400,
  GROUP_REQUIRED: 400,
  CALLBACK_URL_FORBIDDEN: 400,
  UNAUTHORIZED: 401,
  INVALID_TICKET: 401,
  INVALID_ID_TOKEN: 401,
  INVALID_TOKEN: 401,
  NOT_FOUND: 404,
  EVENT_NOT_FOUND: 404,
  CALLBACK_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EVENT_EXISTS: 409,
  EVENT_NOT_OPEN: 409,
  ALREADY_QUEUED: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  MESSAGE_ID_CONFLICT: 409,
  CALLBACK_NOT_DEAD: 409,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  POLL_TOO_FREQUENT: 429,
  INTERNAL_ERROR: 500,
  STORE_UNAVAILABLE: 503,
  QUEUE_REBUILDING: 503,
};

describe('FoyerExceptionFilter', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('has a status for every code the domain throws, and only for those', () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    expect(ERROR_STATUS).toEqual(CONTRACT);
  });

  it.each(ERROR_CODES.map((code) => [code]))('answers %s with its status and the contract body', (code) => {
    const { reply, sent } = recordingReply();
    sendError(reply, new FoyerError(code, `a ${code}`));
    expect(sent).toEqual({ status: CONTRACT[code], headers: {}, body: { statusCode: CONTRACT[code], code, message: `a ${code}` } });
  });

  it('passes on details and retry-after', () => {
    const { reply, sent } = recordingReply();
    const details = [{ field: 'eventId', message: 'eventId is required' }];
    sendError(reply, new FoyerError('VALIDATION_FAILED', 'bad', { details, retryAfterSeconds: 3 }));
    expect(sent).toEqual({
      status: 400,
      headers: { 'retry-after': '3' },
      body: { statusCode: 400, code: 'VALIDATION_FAILED', message: 'bad', details },
    });
  });

  it('answers a store outage 503 without the driver message', () => {
    const { reply, sent } = recordingReply();
    sendError(reply, new StoreUnavailableError('the database', new Error('connect ECONNREFUSED 10.0.0.7:5432')));
    expect(sent.status).toBe(503);
    expect(sent.body).toEqual({
      statusCode: 503,
      code: 'STORE_UNAVAILABLE',
      message: 'the database is not answering; try again shortly',
    });
  });

  it("maps Nest's own refusals by status, and anything unknown to a generic 500", () => {
    const notFound = recordingReply();
    sendError(notFound.reply, new NotFoundException('no such route'));
    expect(notFound.sent.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'no such route' });
    const unknown = recordingReply();
    sendError(unknown.reply, new Error('secret internals'));
    expect(unknown.sent.body).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'internal error' });
  });
});
