import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FoyerConfig } from '@foyer/config';
import { FoyerError } from '@foyer/domain';
import { CONFIG } from './tokens.js';

/** Admin routes need `authorization: Bearer <ADMIN_API_KEY>`; a refusal reveals nothing else. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(CONFIG) config: FoyerConfig) {
    this.expected = digest(config.adminApiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const presented = bearer(request.headers.authorization);
    if (presented === null || !timingSafeEqual(digest(presented), this.expected)) {
      throw new FoyerError('UNAUTHORIZED', 'a valid admin key is required (authorization: Bearer <ADMIN_API_KEY>)');
    }
    return true;
  }
}

/** Paths only an admin may reach: every `/v1/admin/*` and `/v1/callbacks*` route (matched on the decoded path). */
const ADMIN_PATH = /^\/+v1\/(admin(\/|$)|callbacks(\/|$))/;

/**
 * The path as the router matches it: percent-escapes decoded (`/v1/%61dmin` is `/v1/admin`), the
 * query left off. A path that does not decode is matched as it is (the router refuses it anyway).
 */
export function decodedPath(url: string): string {
  const query = url.indexOf('?');
  const path = query >= 0 ? url.slice(0, query) : url;
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The same check as `AdminGuard`, made in Fastify's first hook: before the body is parsed and
 * before routing, so without the key every admin path answers 401 and nothing else (not a 400 for
 * a bad body, a 413, or a 404 that would map the admin routes).
 */
export function registerAdminGate(fastify: FastifyInstance, adminApiKey: string): void {
  const refuses = adminGate(adminApiKey);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (refuses(request)) return void reply.code(401).send(UNAUTHORIZED_BODY);
    done();
  });
}

export const UNAUTHORIZED_BODY = {
  statusCode: 401,
  code: 'UNAUTHORIZED',
  message: 'a valid admin key is required (authorization: Bearer <ADMIN_API_KEY>)',
} as const;

/** Whether a request is for an admin path and lacks the admin key. */
export function adminGate(adminApiKey: string): (request: Pick<FastifyRequest, 'url' | 'headers'>) => boolean {
  const expected = digest(adminApiKey);
  return (request) => {
    if (!ADMIN_PATH.test(decodedPath(request.url))) return false;
    const presented = bearer(request.headers.authorization);
    return presented === null || !timingSafeEqual(digest(presented), expected);
  };
}

/** The credential of an `authorization: Bearer <value>` header, or null. */
export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
