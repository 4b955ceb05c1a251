import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FoyerError, StoreUnavailableError, type ErrorCode } from '@foyer/domain';
import { dependencyState } from './dependency-state.js';

interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: { field: string; message: string }[];
}

/** The HTTP status of every code the API promises (API.md, "Errors"): HTTP's business, not the domain's. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
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

/** Fastify's own refusals (body parsing, routing), by their error code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_JSON',
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The one place where errors become the contract's JSON. Domain errors carry their code (a store
 * outage is the adapters' `StoreUnavailableError`, 503); Fastify's parser errors are mapped by code;
 * anything else is a logged, generic 500 that never leaks internals.
 */
@Catch()
export class FoyerExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }
}

const logger = new Logger('Errors');

/**
 * Answers `exception` as the contract's error body: the filter's work, for Nest and plain routes alike.
 * A client's error (4xx) is logged at debug without a stack; a store outage once per outage
 * (`DependencyState`); anything unknown once, with its stack, as the 500 it becomes.
 */
export function sendError(reply: FastifyReply, exception: unknown): void {
  const reqId = (reply.request as { id?: string } | undefined)?.id;
  const { body, retryAfterSeconds } = toBody(exception, reqId);
  if (body.statusCode < 500) logger.debug({ msg: `${body.statusCode} ${body.code}: ${body.message}`, reqId });
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  reply.status(body.statusCode).send(body);
}

function toBody(exception: unknown, reqId: string | undefined): { body: ErrorBody; retryAfterSeconds?: number } {
  if (exception instanceof FoyerError) {
    if (exception.code === 'STORE_UNAVAILABLE') dependencyState.unavailable(dependencyOf(exception), causeMessage(exception), reqId);
    const body: ErrorBody = { statusCode: ERROR_STATUS[exception.code], code: exception.code, message: exception.message };
    if (exception.extra.details) body.details = exception.extra.details;
    return { body, retryAfterSeconds: exception.extra.retryAfterSeconds };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const cause = exception.cause as { code?: string; message?: string } | undefined;
    const fastifyCode = cause?.code ? FASTIFY_CODES[cause.code] : undefined;
    if (fastifyCode) return { body: make(fastifyCode, describeFastify(fastifyCode, cause?.message)) };
    if (status === 400 && cause instanceof SyntaxError) return { body: make('INVALID_JSON', 'the body is not valid JSON') };
    const code = BY_STATUS[status];
    if (code && status < 500) return { body: { statusCode: status, code, message: exception.message } };
  }
  const err = exception instanceof Error ? exception : undefined;
  // Node's own word for a request whose client went away (or was cut off: a request timeout, bad
  // chunking) while its body was read. Nobody receives this answer; it is the client's doing, not a 500.
  if (isAbortedRequest(exception)) return { body: make('MALFORMED_REQUEST', 'the connection closed before the request was read') };
  logger.error({ msg: `500 INTERNAL_ERROR: ${err ? err.message : String(exception)}`, reqId, stack: err?.stack });
  return { body: make('INTERNAL_ERROR', 'internal error') };
}

function isAbortedRequest(exception: unknown): boolean {
  const { code, message } = (exception ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' && message === 'aborted';
}

function make(code: ErrorCode, message: string): ErrorBody {
  return { statusCode: ERROR_STATUS[code], code, message };
}

/**
 * The dependency that did not answer, as `StoreUnavailableError`'s message names it ("Redis is not
 * answering; …"): the innermost one, so readiness's "the queue store" is the Redis it wraps.
 */
function dependencyOf(err: FoyerError): string {
  let innermost: Error = err;
  for (let cause = err.cause; cause instanceof StoreUnavailableError; cause = cause.cause) innermost = cause;
  return innermost.message.replace(/ is not answering[\s\S]*$/, '');
}

/** What the driver said (the innermost cause): the operator's clue, kept out of the answer. */
function causeMessage(err: Error): string {
  let deepest = err;
  for (let depth = 0; deepest.cause instanceof Error && depth < 10; depth++) deepest = deepest.cause;
  return deepest.message;
}

function describeFastify(code: ErrorCode, original?: string): string {
  switch (code) {
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'the body must be sent as content-type: application/json';
    case 'PAYLOAD_TOO_LARGE':
      return 'the body is larger than 64 KiB';
    default:
      return original ? `the body is not valid JSON: ${original}` : 'the body is not valid JSON';
  }
}
