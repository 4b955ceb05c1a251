import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FoyerConfig } from '@foyer/config';
import { FoyerError, validationFailed } from '@foyer/domain';
import { CONFIG, jsonDepth, MAX_BODY_DEPTH } from '@foyer/platform';
import { contentHash, isGroupId, newMessageId, type OnDead } from '../message/callback-message.js';
import { groupFromValue, resolveJsonPointer } from '../message/json-pointer.js';
import { CallbackUrlPolicy } from '../security/callback-url-policy.js';
import { CallbackRoutesRepository, type CallbackRoute } from '../store/callback-routes.repository.js';
import { CallbacksService, type Accepted } from './callbacks.service.js';

/** Header values that name an ingested message (first one present wins). */
const IDEMPOTENCY_HEADERS = ['idempotency-key', 'webhook-id'] as const;
const IDEMPOTENCY_KEY = /^[^\u0000-\u001f\u007f]{1,200}$/;

export const routeNotFound = (what: string) => new FoyerError('ROUTE_NOT_FOUND', `${what} does not exist`);

/** Ingest routes: the admin side, and accepting what senders post to an ingest URL. */
@Injectable()
export class CallbackRoutesService {
  constructor(
    private readonly routes: CallbackRoutesRepository,
    private readonly policy: CallbackUrlPolicy,
    private readonly callbacks: CallbacksService,
    @Inject(CONFIG) private readonly config: FoyerConfig,
  ) {}

  async create(input: { callbackUrl: string; groupFrom: string; onDead?: OnDead }): Promise<{ route: CallbackRoute; ingestUrl: string }> {
    await this.policy.check(input.callbackUrl);
    const token = randomBytes(32).toString('base64url');
    const route = await this.routes.create(
      {
        routeId: `rt_${randomBytes(9).toString('base64url')}`,
        callbackUrl: input.callbackUrl,
        groupFrom: input.groupFrom,
        onDead: input.onDead ?? 'CONTINUE',
      },
      token,
    );
    return { route, ingestUrl: `${this.config.publicUrl}/v1/ingest/${token}` };
  }

  list(): Promise<CallbackRoute[]> {
    return this.routes.list();
  }

  async get(routeId: string): Promise<CallbackRoute> {
    const route = await this.routes.get(routeId);
    if (!route) throw routeNotFound(`callback route '${routeId}'`);
    return route;
  }

  async delete(routeId: string): Promise<void> {
    if (!(await this.routes.delete(routeId))) throw routeNotFound(`callback route '${routeId}'`);
  }

  /**
   * What a sender posted to an ingest URL, accepted as `POST /v1/callbacks` would: the raw body
   * is delivered unchanged, the group comes from the path or the route's JSON pointer, and an
   * idempotency header names the message within the route.
   */
  async ingest(
    token: string,
    pathGroup: string | undefined,
    raw: Buffer | undefined,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<Accepted> {
    const route = await this.routes.findByToken(token);
    if (!route) throw routeNotFound('this ingest URL');
    const text = raw?.toString('utf8') ?? '';
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new FoyerError('INVALID_JSON', 'the body is not valid JSON');
    }
    // The bound of `POST /v1/callbacks`, checked before anything walks the body.
    if (jsonDepth(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      throw validationFailed([{ field: 'body', message: `the body nests deeper than ${MAX_BODY_DEPTH} levels` }]);
    }
    const groupId = this.groupOf(route, pathGroup, body);
    return this.callbacks.accept({
      messageId: this.messageIdOf(route, headers),
      groupId,
      callbackUrl: route.callbackUrl,
      body: text,
      onDead: route.onDead,
      contentHash: contentHash({ callbackUrl: route.callbackUrl, groupId, onDead: route.onDead, body }),
    });
  }

  private groupOf(route: CallbackRoute, pathGroup: string | undefined, body: unknown): string {
    let group: string | null;
    if (route.groupFrom === 'path') {
      group = pathGroup ?? null;
      if (group === null || group === '') throw new FoyerError('GROUP_REQUIRED', 'this route takes the group from the path: post to {ingestUrl}/{groupId}');
    } else {
      if (pathGroup !== undefined) {
        throw validationFailed([{ field: 'groupId', message: `this route takes the group from the body (${route.groupFrom}), not the path` }]);
      }
      group = groupFromValue(resolveJsonPointer(body, route.groupFrom));
      if (group === null || group === '') {
        throw new FoyerError('GROUP_REQUIRED', `the body has no string or number at ${route.groupFrom} to group by`);
      }
    }
    if (!isGroupId(group)) {
      throw validationFailed([{ field: 'groupId', message: 'the group must be 1 to 256 characters without control characters' }]);
    }
    return group;
  }

  private messageIdOf(route: CallbackRoute, headers: Record<string, string | string[] | undefined>): string {
    for (const name of IDEMPOTENCY_HEADERS) {
      const value = headers[name];
      const key = Array.isArray(value) ? value[0] : value;
      if (key === undefined) continue;
      if (!IDEMPOTENCY_KEY.test(key)) {
        throw validationFailed([{ field: name, message: `the ${name} header must be 1 to 200 characters` }]);
      }
      // Scoped to the route: the same key sent to two routes names two messages.
      return `${route.routeId}:${key}`;
    }
    return newMessageId();
  }
}
