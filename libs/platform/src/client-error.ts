import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@foyer/domain';
import { ERROR_STATUS } from './foyer-exception.filter.js';

/**
 * What Node refuses before a request exists (so before Fastify, Nest or any hook runs): a request
 * that took too long to arrive, headers over Node's size limit, bytes that are not HTTP (bad
 * chunking, a bad header name or value). The answer is written on the socket by hand, with the
 * contract's error body like every other refusal, and the connection closed: what follows on it
 * cannot be read as HTTP.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A connection reset by the client: nobody is left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { code, message } = clientErrorOf(error.code);
  const status = ERROR_STATUS[code];
  const body = JSON.stringify({ statusCode: status, code, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function clientErrorOf(nodeCode: string | undefined): { code: ErrorCode; message: string } {
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return { code: 'REQUEST_TIMEOUT', message: 'the request did not arrive in time' };
  if (nodeCode === 'HPE_HEADER_OVERFLOW') return { code: 'HEADERS_TOO_LARGE', message: "the request's headers (URL included) are too large" };
  return { code: 'MALFORMED_REQUEST', message: 'the request is not well-formed HTTP/1.1' };
}

/**
 * HTTP/1.1 requires a Host header; Node's own check would answer an empty 400, so the server is
 * made without it (`requireHostHeader: false`) and this, the first hook, answers the contract's body.
 */
export function lacksHost(request: { raw: { httpVersion: string }; headers: Record<string, unknown> }): boolean {
  return request.raw.httpVersion === '1.1' && request.headers.host === undefined;
}

export const MISSING_HOST_BODY = { statusCode: 400, code: 'MALFORMED_REQUEST', message: 'an HTTP/1.1 request needs a Host header' } as const;
