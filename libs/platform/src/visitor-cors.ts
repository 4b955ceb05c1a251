import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Routes a browser calls from the customer's pages: these, and only these, answer CORS. */
const VISITOR_ROUTE = /^\/+(v1\/queue\/|v1\/active\/verify(\?|$)|\.well-known\/jwks\.json(\?|$))/;

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  // idempotency-key: the SDK sends one with every enter, from the customer's pages too.
  'access-control-allow-headers': 'content-type, authorization, idempotency-key',
  'access-control-max-age': '600',
};

/**
 * CORS for the visitor routes (API.md: they answer `CORS_ORIGINS` and expose `retry-after`).
 * A hook with the answer decided once at start, rather than `@fastify/cors` with a per-request
 * delegator: the poll is the hottest route, and the plugin normalised fresh options on every
 * request (about 3 µs of a 50 µs poll in the benchmark's profile).
 */
export function registerVisitorCors(fastify: FastifyInstance, origins: '*' | string[]): void {
  const allowed = origins === '*' ? null : new Set(origins);

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const origin = request.headers.origin;
    if (origin === undefined || !VISITOR_ROUTE.test(request.url)) return done();
    if (allowed === null) {
      reply.header('access-control-allow-origin', '*');
    } else {
      reply.header('vary', 'Origin');
      if (!allowed.has(origin)) return done();
      reply.header('access-control-allow-origin', origin);
    }
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      reply.headers(PREFLIGHT_HEADERS).code(204).send();
      return;
    }
    reply.header('access-control-expose-headers', 'retry-after');
    done();
  });
}
