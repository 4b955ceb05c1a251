import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
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

/** The credential of an `authorization: Bearer <value>` header, or null. */
export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
