import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { FoyerError } from '@foyer/domain';
import { answerWith, ServedPlainly, servePlainRoutes } from './plain-route.js';

/** What Nest's Fastify adapter passes as a route's config: the method's @RouteConfig metadata. */
const routeConfigOf = (target: object, method: string) => Reflect.getMetadata('__fastify_route_config__', Reflect.get(target, method)) as object;

class PingController {
  calls: string[] = [];

  @ServedPlainly('servePing')
  ping(name: string): Promise<{ hello: string }> {
    this.calls.push(`ping ${name}`);
    if (name === 'nobody') return Promise.reject(new FoyerError('EVENT_NOT_FOUND', 'nobody is here'));
    return Promise.resolve({ hello: name });
  }

  servePing(request: FastifyRequest, reply: FastifyReply): void {
    this.calls.push('plain');
    answerWith(reply, this.ping((request.query as { name: string }).name));
  }

  @ServedPlainly('missing')
  broken(): void {}
}

describe('ServedPlainly / servePlainRoutes', () => {
  const controller = new PingController();
  const app = { get: () => controller } as unknown as INestApplication;

  it('has Fastify run the plain method instead of the handler the route was registered with', async () => {
    const fastify = Fastify();
    servePlainRoutes(app, fastify);
    let nestHandlerRan = false;
    const nestHandler = () => {
      nestHandlerRan = true;
    };
    fastify.route({ method: 'GET', url: '/ping', config: routeConfigOf(PingController.prototype, 'ping'), handler: nestHandler });
    fastify.get('/other', async () => ({ other: true }));
    const url = await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      const ok = await fetch(`${url}/ping?name=ada`);
      expect({ status: ok.status, body: await ok.json() }).toEqual({ status: 200, body: { hello: 'ada' } });
      const refused = await fetch(`${url}/ping?name=nobody`);
      expect({ status: refused.status, body: await refused.json() }).toEqual({
        status: 404,
        body: { statusCode: 404, code: 'EVENT_NOT_FOUND', message: 'nobody is here' },
      });
      expect((await fetch(`${url}/other`)).status).toBe(200);
      expect(nestHandlerRan).toBe(false);
      expect(controller.calls).toEqual(['plain', 'ping ada', 'plain', 'ping nobody']);
    } finally {
      await fastify.close();
    }
  });

  it('fails the start when the named method does not exist', () => {
    const fastify = Fastify();
    servePlainRoutes(app, fastify);
    expect(() => fastify.route({ method: 'GET', url: '/broken', config: routeConfigOf(PingController.prototype, 'broken'), handler: () => undefined })).toThrow(
      'PingController.missing is not a method',
    );
  });
});
