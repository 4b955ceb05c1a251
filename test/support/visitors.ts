/** Helpers for end-to-end tests of the visitor, customer-backend and admin routes over HTTP. */
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { ADMIN_KEY, admin, ENTRY_TOKEN_SECRET } from './foyer.js';
import type { HttpAnswer, HttpClient } from './http.js';

let eventCounter = 0;

/** An eventId no other test (or test run sharing the server) uses: `[A-Za-z0-9._-]{1,64}`. */
export function uniqueEventId(label = 'ev'): string {
  eventCounter += 1;
  return `${label}-${eventCounter}-${randomBytes(4).toString('hex')}`.slice(0, 64);
}

export interface VisitorCall {
  /** Sent as `authorization: Bearer <ticket>`. */
  ticket?: string;
  headers?: Record<string, string>;
}

/** The visitor and customer-backend routes of API.md. */
export function visitor(http: HttpClient) {
  return {
    enter: (body: Record<string, unknown>, call: VisitorCall = {}) => http.post('/v1/queue/enter', body, { token: call.ticket, headers: call.headers }),
    poll: (ticket?: string, headers?: Record<string, string>) => http.get('/v1/queue/status', { token: ticket, headers }),
    verify: (successToken: string) => http.post('/v1/active/verify', { successToken }),
    exit: (successToken: string) => http.post('/v1/active/exit', { successToken }),
    jwks: () => http.get('/.well-known/jwks.json'),
  };
}

/** Every admin route of API.md in scope, for the "401 on every admin route" checks. */
export function adminRoutes(eventId: string): { method: string; path: string; json?: unknown }[] {
  return [
    { method: 'POST', path: '/v1/admin/events', json: { eventId, name: 'x', limitCnt: 1 } },
    { method: 'GET', path: '/v1/admin/events' },
    { method: 'GET', path: `/v1/admin/events/${eventId}` },
    { method: 'PATCH', path: `/v1/admin/events/${eventId}`, json: { name: 'renamed' } },
    { method: 'DELETE', path: `/v1/admin/events/${eventId}` },
    { method: 'GET', path: '/v1/admin/journal' },
    { method: 'GET', path: `/v1/admin/journal?eventId=${eventId}` },
  ];
}

/** An idToken as a customer's backend makes it: HS256 over the UTF-8 bytes of ENTRY_TOKEN_SECRET. */
export async function signIdToken(
  claims: Record<string, unknown>,
  options: { secret?: string; expiresInSec?: number; omitExp?: boolean } = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt();
  if (!options.omitExp && claims.exp === undefined) {
    jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresInSec ?? 300));
  }
  return jwt.sign(new TextEncoder().encode(options.secret ?? ENTRY_TOKEN_SECRET));
}

/** The same text with one character changed to another base64url character. */
export function flipChar(text: string, index: number): string {
  const original = text[index];
  const replacement = original === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/** A JWT's segment decoded as JSON. */
export function jwtPart(token: string, part: 0 | 1): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[part], 'base64url').toString('utf8'));
}

/** The RFC 7638 thumbprint of an EC public JWK, computed here independently of the app. */
export function ecThumbprint(jwk: { crv: string; kty: string; x: string; y: string }): string {
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Asserts the contract's error shape: status, stable code, a human message. */
export function expectError(answer: HttpAnswer, status: number, code: string): void {
  expect({ status: answer.status, body: answer.body }).toMatchObject({
    status,
    body: { statusCode: status, code, message: expect.any(String) },
  });
}

/** The `field`s named by a VALIDATION_FAILED answer's details. */
export function badFields(answer: HttpAnswer): string[] {
  expectError(answer, 400, 'VALIDATION_FAILED');
  expect(Array.isArray(answer.body.details)).toBe(true);
  return [...new Set((answer.body.details as { field: string }[]).map((detail) => detail.field))].sort();
}

/** `HH:MM` of a wait in seconds, minutes rounded up (API.md), computed independently. */
export function hhmm(waitSeconds: number): string {
  const minutes = Math.ceil(waitSeconds / 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export const adminToken = ADMIN_KEY;

/**
 * The assertions every end-to-end file makes on its way: an enter or poll that must answer 200,
 * and an event's stats. Given getters, since the clients exist only after `beforeAll`.
 */
export function okAnswers(visitors: () => ReturnType<typeof visitor>, admins: () => ReturnType<typeof admin>) {
  return {
    enterOk: async (body: Record<string, unknown>, ticket?: string): Promise<Record<string, any>> => {
      const answer = await visitors().enter(body, { ticket });
      expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 200 });
      return answer.body;
    },
    pollOk: async (ticket: string): Promise<Record<string, any>> => {
      const answer = await visitors().poll(ticket);
      expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 200 });
      return answer.body;
    },
    /** The event's queue counters (the journal's backlog beside them moves on its own, with the forwarder). */
    stats: async (eventId: string): Promise<Record<string, number>> => {
      const answer = await admins().getEvent(eventId);
      expect(answer.status).toBe(200);
      const { journalPending, journalLagMs, ...counters } = answer.body.stats as Record<string, number>;
      expect(journalPending).toBeGreaterThanOrEqual(0);
      expect(journalLagMs).toBeGreaterThanOrEqual(0);
      return counters;
    },
  };
}
