import { Logger, Module, type LoggerService, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { CallbacksApiModule, CallbacksDispatcherModule } from '@foyer/callbacks';
import { AdminDashboardModule, WaitingRoomPageModule } from '@foyer/pages';
import type { FoyerConfig } from '@foyer/config';
import type { Clock } from '@foyer/domain';
import { configureHttp, createFastifyAdapter, createFoyerLogger } from '@foyer/platform';
import { AdminModule, OpsModule, SchedulerModule, VisitorModule, WaitingRoomCoreModule } from '@foyer/waiting-room';
import { FoyerCoreModule } from './foyer-core.module.js';

export interface FoyerAppOptions {
  clock?: Clock;
  /** Defaults to `foyerLogger(config)`; a test passes one with a sink of its own. */
  logger?: LoggerService;
}

/** The modules this process runs, by FOYER_ROLES. */
function rootModule(config: FoyerConfig, options: FoyerAppOptions): DynamicModule {
  const imports: (Type | DynamicModule)[] = [FoyerCoreModule.forRoot({ config, clock: options.clock }), WaitingRoomCoreModule.forRoot(config)];
  if (config.roles.has('api')) {
    imports.push(VisitorModule, AdminModule, OpsModule, CallbacksApiModule, WaitingRoomPageModule, AdminDashboardModule);
  } else {
    // A worker serves only its health and metrics, so it can be probed and scraped like a replica.
    imports.push(OpsModule);
  }
  if (config.roles.has('scheduler')) imports.push(SchedulerModule);
  if (config.roles.has('dispatcher')) imports.push(CallbacksDispatcherModule);

  @Module({})
  class FoyerRootModule {}
  return { module: FoyerRootModule, imports };
}

/** An HTTP application with every role of `config.roles`; call `listen` to serve. */
export async function createFoyerHttpApp(config: FoyerConfig, options: FoyerAppOptions = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(rootModule(config, options), createFastifyAdapter(config), {
    logger: options.logger ?? foyerLogger(config),
  });
  // Registered before configureHttp's own call (Nest ignores a repeat): after a graceful shutdown
  // the process exits with 0 instead of raising the signal again, which supervisors read as a crash.
  app.enableShutdownHooks([], { useProcessExit: true });
  configureHttp(app, config);
  closeConnectionsWhileDraining(app);
  const document = openApiDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/**
 * The worker app: the background roles, and over HTTP only `/health/*` and `/metrics` (the
 * scheduler's and the dispatcher's metrics live in this process); call `listen` to serve them.
 */
export async function createFoyerWorker(config: FoyerConfig, options: FoyerAppOptions = {}): Promise<NestFastifyApplication> {
  const roles = new Set([...config.roles].filter((role) => role !== 'api'));
  const workerConfig = { ...config, roles };
  const app = await NestFactory.create<NestFastifyApplication>(rootModule(workerConfig, options), createFastifyAdapter(workerConfig), {
    logger: options.logger ?? foyerLogger(config),
  });
  app.enableShutdownHooks([], { useProcessExit: true });
  configureHttp(app, workerConfig);
  closeConnectionsWhileDraining(app);
  return app;
}

/**
 * Closing the server ends idle connections, but a keep-alive connection busy at that moment would
 * stay open after its answer until the keep-alive timeout (72 s), holding the process long after
 * the drain. Answers sent while closing say `connection: close`, so the client lets go at once.
 */
function closeConnectionsWhileDraining(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  // A callback hook, not an async one: it runs on every answer, and a promise each is not free.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}

/**
 * The OpenAPI document served at /docs-json: what the controllers' decorators say, plus what the
 * decorators cannot say route by route (checked by test/openapi.test.ts with `redocly lint`).
 */
function openApiDocument(app: NestFastifyApplication, config: FoyerConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(app, openApiConfig(config));
  // API.md lists the documentation's own routes too; Swagger serves them but does not list them.
  document.paths['/docs'] = {
    get: {
      operationId: 'getDocsUi',
      tags: ['operations'],
      summary: 'OpenAPI UI',
      responses: { '200': { description: 'an HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  };
  document.paths['/docs-json'] = {
    get: {
      operationId: 'getOpenApiDocument',
      tags: ['operations'],
      summary: 'This OpenAPI document',
      responses: { '200': { description: 'OpenAPI 3 JSON', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  const errorBody = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } } });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      // Only the admin routes need a credential, and their controllers say so (ApiBearerAuth('admin')),
      // as the poll says it needs its ticket; every other route is public.
      operation.security ??= [];
      const { responses } = operation;
      if (operation.requestBody) {
        // Fastify parses every body before the route runs, with the same limit for all.
        responses['413'] ??= errorBody('PAYLOAD_TOO_LARGE: the body is over 64 KiB');
        responses['400'] ??= errorBody('VALIDATION_FAILED (details names each bad field) or INVALID_JSON');
        const types = Object.keys((operation.requestBody as { content: Record<string, unknown> }).content);
        if (types.length === 1 && types[0] === 'application/json') responses['415'] ??= errorBody('UNSUPPORTED_MEDIA_TYPE: the body is not application/json');
      }
      // Every string of a request is checked before the route runs, path ids and queries included.
      const parameters = (operation.parameters ?? []) as { in?: string }[];
      if (parameters.some((parameter) => parameter.in === 'path' || parameter.in === 'query')) {
        responses['400'] ??= errorBody('VALIDATION_FAILED: a malformed path id or query value');
      }
      // Every /v1 route reads or writes the queue store or the database: while one does not answer, 503.
      // The routes that reach an event's queue also answer 503 while it is rebuilt from the journal.
      if (path.startsWith('/v1/queue/') || path.startsWith('/v1/active/')) {
        responses['503'] ??= errorBody('STORE_UNAVAILABLE, or QUEUE_REBUILDING (retry-after): try again shortly');
      } else if (path.startsWith('/v1/')) {
        responses['503'] ??= errorBody('STORE_UNAVAILABLE: Redis or the database is not answering; try again shortly');
      }
      if (!Object.keys(responses).some((status) => status.startsWith('4'))) {
        // A route that refuses nothing itself still answers what Node and Fastify refuse before any route runs.
        responses['431'] = errorBody("HEADERS_TOO_LARGE: the request's headers (URL included) are over Node's size limit (answered before any route)");
      }
    }
  }
  return document;
}

function openApiConfig(config: FoyerConfig) {
  return (
    new DocumentBuilder()
      .setTitle('Foyer')
      .setDescription(
        'A virtual waiting room: a fair line, an honest wait estimate, and signed tokens for admitted users. ' +
          'Every non-2xx answer is { statusCode, code, message } (plus details on VALIDATION_FAILED). ' +
          'A path with a trailing slash names the same route as without it.',
      )
      .setVersion('1')
      .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
      .addServer(config.publicUrl, "this deployment's FOYER_PUBLIC_URL")
      // Neither credential is a JWT: the admin key is a shared secret, a ticket an opaque HMAC-signed string.
      .addSecurity('admin', { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' })
      .addSecurity('ticket', { type: 'http', scheme: 'bearer', description: 'the ticket of a QueueState (opaque)' })
      .build()
  );
}

/** At LOG_LEVEL and above: readable lines in development, JSON lines (ISO times) in production. */
export function foyerLogger(config: FoyerConfig) {
  return createFoyerLogger({ production: config.production, level: config.logLevel });
}

export const startupLogger = new Logger('Foyer');
