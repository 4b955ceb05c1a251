import { Logger, Module, type LoggerService, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
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
  const document = SwaggerModule.createDocument(app, openApiConfig(config));
  // API.md lists the documentation's own routes too; Swagger serves them but does not list them.
  document.paths['/docs'] = {
    get: { tags: ['operations'], summary: 'OpenAPI UI', responses: { '200': { description: 'an HTML page' } } },
  };
  document.paths['/docs-json'] = {
    get: { tags: ['operations'], summary: 'This OpenAPI document', responses: { '200': { description: 'OpenAPI 3 JSON' } } },
  };
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

function openApiConfig(config: FoyerConfig) {
  return new DocumentBuilder()
    .setTitle('Foyer')
    .setDescription(
      'A virtual waiting room: a fair line, an honest wait estimate, and signed tokens for admitted users. ' +
        'Every non-2xx answer is { statusCode, code, message } (plus details on VALIDATION_FAILED). ' +
        'A path with a trailing slash names the same route as without it.',
    )
    .setVersion('1')
    .addServer(config.publicUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' }, 'admin')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'the ticket of a QueueState' }, 'ticket')
    .build();
}

/** At LOG_LEVEL and above: readable lines in development, JSON lines (ISO times) in production. */
export function foyerLogger(config: FoyerConfig) {
  return createFoyerLogger({ production: config.production, level: config.logLevel });
}

export const startupLogger = new Logger('Foyer');
