import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import type { FoyerConfig } from '@foyer/config';
import { FoyerExceptionFilter } from './foyer-exception.filter.js';
import { FoyerMetrics } from './metrics.js';
import { adminGate, registerAdminGate, UNAUTHORIZED_BODY } from './admin.guard.js';
import { answerClientError, lacksHost, MISSING_HOST_BODY } from './client-error.js';
import { servePlainRoutes } from './plain-route.js';
import { registerVisitorCors } from './visitor-cors.js';
import { createValidationPipe } from './validation.js';

export const BODY_LIMIT_BYTES = 64 * 1024;
const FORM_TYPE = 'application/x-www-form-urlencoded';

export function createFastifyAdapter(config: FoyerConfig): FastifyAdapter {
  const refusesAdmin = adminGate(config.adminApiKey);
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify reads x-forwarded-for through exactly this many trusted hops; 0: the socket address.
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    logger: false,
    genReqId: requestId,
    // Long path parameters (a 300-character id) get the contract's 404, not Fastify's 414. A
    // trailing slash names the same route (`/v1/ingest/{token}/` is a missing group, not a 404).
    routerOptions: { maxParamLength: 2048, ignoreTrailingSlash: true },
    // While draining, requests already on a connection are still served (the stores close only
    // after HTTP has drained); Fastify's own 503 would not carry the contract's error body.
    return503OnClosing: false,
    // A slow client (headers or a body trickled in) is answered 408 once its time is up, instead
    // of holding a connection for ever. Node checks these every `connectionsCheckingInterval`.
    requestTimeout: config.http.requestTimeoutMs,
    http: {
      headersTimeout: config.http.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
      requireHostHeader: false,
    },
    // What Node refuses before any request exists gets the contract's error body too.
    clientErrorHandler: answerClientError,
    // Refusals Fastify makes before routing and before any hook (a malformed %-escape, an
    // over-long path parameter) get the contract's body: 401 on admin paths without the key, as
    // everywhere there, else 404, since no route can match such a path.
    frameworkErrors: (_error: Error, request: FastifyRequest, reply: FastifyReply) => {
      reply.header('x-request-id', request.id);
      if (refusesAdmin(request)) return void reply.code(401).send(UNAUTHORIZED_BODY);
      void reply.code(404).send({ statusCode: 404, code: 'NOT_FOUND', message: 'no such route' });
    },
  });
}

/** An incoming `x-request-id` of at most this many printable ASCII characters is kept; any other is replaced. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The request's id: the caller's `x-request-id` (a proxy's, say) when it is sane, else a new UUID. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Everything every HTTP entry point shares: validation, error shape, CORS, metrics, shutdown, and
 * the routes served plainly (`ServedPlainly`). Call before the app initialises (its routes are
 * registered then).
 */
export function configureHttp(app: NestFastifyApplication, config: FoyerConfig): void {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new FoyerExceptionFilter());
  app.enableShutdownHooks();

  const metrics = (app as INestApplication).get(FoyerMetrics);
  const fastify = app.getHttpAdapter().getInstance();
  // Every answer names its request, so a user's report can be found in the logs. First of the
  // hooks: the admin gate and CORS may answer from theirs.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (lacksHost(request)) return void reply.code(400).header('connection', 'close').send(MISSING_HOST_BODY);
    done();
  });
  servePlainRoutes(app, fastify);
  registerVisitorCors(fastify, config.corsOrigins);
  registerAdminGate(fastify, config.adminApiKey);
  // Bodies are JSON only: Fastify's built-in text/plain parser would let other types through.
  fastify.removeContentTypeParser('text/plain');
  // Nest adds a form parser when the app starts unless one is set here first; this one refuses,
  // as Fastify refuses any type it has no parser for (a form post is also a cross-site request
  // that needs no CORS preflight).
  app.useBodyParser(FORM_TYPE, {}, (request, _body, done) => {
    done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type'] ?? FORM_TYPE), undefined);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
