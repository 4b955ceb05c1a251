import type { INestApplication, Type } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { sendError } from './foyer-exception.filter.js';

/** A handler as Fastify calls it: it answers through `reply` (and never throws). */
export type PlainHandler = (request: FastifyRequest, reply: FastifyReply) => void;

/** Route config key of a route served plainly: which controller method Fastify calls. */
const PLAIN = 'foyerPlain';

interface PlainTarget {
  controller: Type;
  method: string;
}

/**
 * Marks a controller route that Fastify serves by calling `method` of the same controller
 * (a `PlainHandler`) instead of through Nest's router, pipes, interceptors and response handling.
 *
 * For the hottest routes only (the poll and the enter), where Nest's per-request pipeline is a
 * large share of the work. The route stays a Nest route in every other respect: its decorators
 * give its path and its OpenAPI documentation, and the decorated method remains what Nest would
 * run. Everything around the handler is Fastify's and the same as on any route: the hooks (CORS,
 * the admin gate, metrics, draining), body parsing and its errors, and `sendError` for the error
 * bodies. A plain handler does what the Nest method does, with the arguments Nest would give it.
 */
export function ServedPlainly(method: string): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const plain: PlainTarget = { controller: target.constructor as Type, method };
    RouteConfig({ [PLAIN]: plain })(target, propertyKey, descriptor);
  };
}

/**
 * Gives every route marked `ServedPlainly` its plain handler as Fastify registers it (when the
 * app initialises, so this must run before). Fails the start when a marked method is missing.
 */
export function servePlainRoutes(app: INestApplication, fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const plain = (route.config as Record<string, unknown> | undefined)?.[PLAIN] as PlainTarget | undefined;
    if (!plain) return;
    const controller = app.get<object>(plain.controller, { strict: false });
    const handler = (controller as Record<string, unknown>)[plain.method];
    if (typeof handler !== 'function') {
      throw new Error(`${plain.controller.name}.${plain.method} is not a method; ${String(route.method)} ${route.url} cannot be served plainly`);
    }
    route.handler = (handler as PlainHandler).bind(controller);
  });
}

/**
 * Sends what `answer` resolves to, or the error body of what it rejects with, as a Nest route
 * would (the same serialisation and the same `FoyerExceptionFilter` bodies).
 */
export function answerWith(reply: FastifyReply, answer: Promise<unknown>): void {
  answer.then(
    (body) => void reply.send(body),
    (err: unknown) => sendError(reply, err),
  );
}
