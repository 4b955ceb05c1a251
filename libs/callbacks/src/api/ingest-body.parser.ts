import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

/** Route config (`@RouteConfig(INGEST_ROUTE)`) that marks the ingest routes. */
export const INGEST_ROUTE = { foyerIngest: true } as const;

/** The content type an ingest request is read as, whatever the sender said. */
const INGEST_CONTENT_TYPE = 'application/x-foyer-ingest';

function isIngestRoute(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as { foyerIngest?: boolean } | undefined)?.foyerIngest === true;
}

/**
 * Ingest routes take any body whatever its content type (a sender that cannot be changed may say
 * text/plain, or nothing) and deliver it byte for byte. Every other route keeps the app's strict
 * JSON-only parsing: the ingest routes' requests, and only those, are relabelled before parsing
 * to a private content type whose parser keeps the raw bytes (as `request.body`, a Buffer).
 */
@Injectable()
export class IngestBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance?.<FastifyInstance>();
    if (!instance || typeof instance.addContentTypeParser !== 'function') return;
    instance.addHook('onRequest', (request, _reply, done) => {
      if (isIngestRoute(request)) request.headers['content-type'] = INGEST_CONTENT_TYPE;
      done();
    });
    instance.addContentTypeParser(INGEST_CONTENT_TYPE, { parseAs: 'buffer' }, (request, body, done) => {
      if (!isIngestRoute(request)) {
        // Sent to another route under this label: refused as any unknown type is.
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(INGEST_CONTENT_TYPE), undefined);
        return;
      }
      done(null, body);
    });
  }
}
