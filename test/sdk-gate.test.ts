/**
 * The SDK's gate in front of real Express, Fastify and NestJS (on Fastify) apps, against the real
 * Foyer over HTTP: the wr_token → cookie → redirect exchange, admitted sessions passing, and
 * missing, expired, exited and other events' tokens refused.
 */
import { jest } from '@jest/globals';
import { createServer } from 'node:http';
import { Controller, Get, Module, Req, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { admissionOf, expressGate, fastifyGate, FoyerBackend, FoyerGate, FoyerGuard, GateConfigurationError, type GateRefusal } from '@foyer/sdk/server';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually, listenOnLoopback } from './support/services.js';
import { uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(60_000);

const ISSUER = 'https://foyer.sdk-gate.test';
const PAGE = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const API = { accept: 'application/json' };

type Framework = 'express' | 'fastify' | 'nest';

/** A shop with one guarded route, `/checkout`, that answers the admission it was let in with. */
interface Shop {
  url: string;
  close(): Promise<void>;
}

async function expressShop(gate: FoyerGate): Promise<Shop> {
  const app = express();
  app.get('/checkout', expressGate(gate), (request, response) => {
    response.json({ shop: 'express', admission: admissionOf(request) });
  });
  // Mounted: the gate must redirect to the full path (originalUrl), not the part after the mount.
  app.use('/mounted', expressGate(gate), (request, response) => {
    response.json({ shop: 'express', admission: admissionOf(request) });
  });
  const server = createServer(app);
  return {
    url: await listenOnLoopback(server),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function fastifyShop(gate: FoyerGate): Promise<Shop> {
  const app: FastifyInstance = Fastify();
  app.get('/checkout', { onRequest: fastifyGate(gate) }, async (request) => ({ shop: 'fastify', admission: admissionOf(request) }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

async function nestShop(gate: FoyerGate): Promise<Shop> {
  @Controller()
  class CheckoutController {
    @Get('checkout')
    @UseGuards(new FoyerGuard(gate))
    checkout(@Req() request: object) {
      return { shop: 'nest', admission: admissionOf(request) };
    }
  }
  @Module({ controllers: [CheckoutController] })
  class ShopModule {}
  const app = await NestFactory.create<NestFastifyApplication>(ShopModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { url: await app.getUrl(), close: () => app.close() };
}

const SHOPS: Record<Framework, (gate: FoyerGate) => Promise<Shop>> = { express: expressShop, fastify: fastifyShop, nest: nestShop };

interface Visit {
  status: number;
  location: string | null;
  cookies: string[];
  body: any;
}

/** One request as a browser (or an API client) makes it, redirects not followed. */
async function visit(url: string, headers: Record<string, string> = PAGE): Promise<Visit> {
  const response = await fetch(url, { headers, redirect: 'manual' });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, location: response.headers.get('location'), cookies: response.headers.getSetCookie(), body };
}

describe('the gate against the running app', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let adm: ReturnType<typeof admin>;
  let v: ReturnType<typeof visitor>;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
    foyer = await startFoyer(backing, { FOYER_PUBLIC_URL: ISSUER });
    adm = admin(foyer.http);
    v = visitor(foyer.http);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  async function newEvent(settings: Record<string, unknown> = {}): Promise<string> {
    const eventId = uniqueEventId('sdk-gate');
    const created = await adm.createEvent({ eventId, name: 'SDK gate', limitCnt: 10, minPollIntervalMs: 0, ...settings });
    expect(created.status).toBe(201);
    return eventId;
  }

  async function admit(eventId: string, id: string): Promise<string> {
    const answer = await v.enter({ eventId, id });
    expect(answer.body).toMatchObject({ status: 'ENTER', successToken: expect.any(String) });
    return answer.body.successToken as string;
  }

  describe.each(['express', 'fastify', 'nest'] as Framework[])('%s', (framework) => {
    let backend: FoyerBackend;
    let eventId: string;
    let shop: Shop;
    let cookieName: string;

    beforeAll(async () => {
      eventId = await newEvent();
      cookieName = `foyer_${eventId}`;
      // Valid online answers are reused for 1 s here (5 s by default), so exits made elsewhere show soon.
      backend = new FoyerBackend({ foyerUrl: foyer.url, issuer: ISSUER, onlineCacheMs: 1000 });
      shop = await SHOPS[framework](new FoyerGate(backend, { eventId, onRefusal: () => undefined }));
    });

    afterAll(async () => {
      await shop?.close();
    });

    it('exchanges wr_token for an HttpOnly cookie, redirects to the clean URL, then lets the session through', async () => {
      const token = await admit(eventId, `alice-${framework}`);
      const arrival = await visit(`${shop.url}/checkout?step=2&wr_token=${token}&ref=mail`);
      expect(arrival.status).toBe(303);
      expect(arrival.location).toBe('/checkout?step=2&ref=mail');
      expect(arrival.cookies).toHaveLength(1);
      const [cookie] = arrival.cookies;
      expect(cookie).toMatch(new RegExp(`^${cookieName}=${token.replace(/\./g, '\\.')}; Max-Age=\\d+; Path=/; HttpOnly; SameSite=Lax$`));
      const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)![1]);
      expect(maxAge).toBeGreaterThan(0);
      expect(maxAge).toBeLessThanOrEqual(600);

      const inside = await visit(`${shop.url}${arrival.location}`, { ...PAGE, cookie: `${cookieName}=${token}` });
      expect(inside.status).toBe(200);
      expect(inside.body).toMatchObject({ shop: framework, admission: { eventId, id: `alice-${framework}`, token } });
    });

    it('sends a page without admission to the waiting room, and answers an API call with a JSON 403', async () => {
      const page = await visit(`${shop.url}/checkout`);
      expect({ status: page.status, location: page.location }).toEqual({ status: 303, location: `${foyer.url}/wr/${eventId}` });
      const api = await visit(`${shop.url}/checkout`, API);
      expect(api.status).toBe(403);
      expect(api.body).toMatchObject({ statusCode: 403, code: 'ADMISSION_REQUIRED', reason: 'MISSING', waitingRoomUrl: `${foyer.url}/wr/${eventId}` });
    });

    it('refuses a forged cookie and a token of another event', async () => {
      const otherEvent = await newEvent();
      const otherToken = await admit(otherEvent, `bob-${framework}`);
      const viaUrl = await visit(`${shop.url}/checkout?wr_token=${otherToken}`);
      // No session cookie; the loop guard's note of the refusal, for a minute.
      expect({ status: viaUrl.status, location: viaUrl.location, cookies: viaUrl.cookies }).toEqual({
        status: 303,
        location: `${foyer.url}/wr/${eventId}`,
        cookies: [`${cookieName}_refused=INVALID; Max-Age=60; Path=/; HttpOnly; SameSite=Lax`],
      });
      for (const forged of [otherToken, 'not.a.token']) {
        const refused = await visit(`${shop.url}/checkout`, { ...API, cookie: `${cookieName}=${forged}` });
        expect({ status: refused.status, reason: refused.body.reason }).toEqual({ status: 403, reason: 'INVALID' });
        expect(refused.cookies[0]).toMatch(new RegExp(`^${cookieName}=; Max-Age=0;`));
      }
    });

    it('refuses a session once exited through the SDK, at once', async () => {
      const token = await admit(eventId, `carol-${framework}`);
      const cookie = { ...API, cookie: `${cookieName}=${token}` };
      expect((await visit(`${shop.url}/checkout`, cookie)).status).toBe(200);
      expect(await backend.exit(token)).toEqual({ eventId, id: `carol-${framework}`, status: 'EXITED' });
      const refused = await visit(`${shop.url}/checkout`, cookie);
      expect({ status: refused.status, body: refused.body }).toMatchObject({ status: 403, body: { code: 'ADMISSION_REQUIRED', reason: 'EXITED' } });
      const page = await visit(`${shop.url}/checkout`, { ...PAGE, cookie: `${cookieName}=${token}` });
      expect({ status: page.status, location: page.location }).toEqual({ status: 303, location: `${foyer.url}/wr/${eventId}` });
      expect(page.cookies[0]).toMatch(new RegExp(`^${cookieName}=; Max-Age=0;`));
    });

    it('refuses a session exited elsewhere, once the short reuse of the online answer is over', async () => {
      const token = await admit(eventId, `dave-${framework}`);
      const cookie = { ...API, cookie: `${cookieName}=${token}` };
      expect((await visit(`${shop.url}/checkout`, cookie)).status).toBe(200);
      expect((await v.exit(token)).body).toMatchObject({ status: 'EXITED' });
      const refused = await eventually(
        async () => {
          const answer = await visit(`${shop.url}/checkout`, cookie);
          return answer.status === 403 && answer;
        },
        20_000,
        'the exit to be seen',
      );
      expect(refused.body).toMatchObject({ reason: 'EXITED' });
    });

    it('refuses an expired session', async () => {
      const shortEvent = await newEvent({ sessionTtlSec: 2 });
      const shortShop = await SHOPS[framework](new FoyerGate(backend, { eventId: shortEvent, onRefusal: () => undefined }));
      try {
        const token = await admit(shortEvent, `erin-${framework}`);
        const arrival = await visit(`${shortShop.url}/checkout?wr_token=${token}`);
        expect(arrival.status).toBe(303);
        expect(Number(/Max-Age=(\d+)/.exec(arrival.cookies[0])![1])).toBeLessThanOrEqual(2);
        const cookie = { ...API, cookie: `foyer_${shortEvent}=${token}` };
        const refused = await eventually(
          async () => {
            const answer = await visit(`${shortShop.url}/checkout`, cookie);
            return answer.status === 403 && answer;
          },
          20_000,
          'the session to expire',
        );
        expect(refused.body).toMatchObject({ code: 'ADMISSION_REQUIRED', reason: 'EXPIRED' });
        const late = await visit(`${shortShop.url}/checkout?wr_token=${token}`);
        expect({ status: late.status, location: late.location }).toEqual({ status: 303, location: `${foyer.url}/wr/${shortEvent}` });
      } finally {
        await shortShop.close();
      }
    });
  });

  it('redirects to the full path behind a mounted Express gate (originalUrl)', async () => {
    const eventId = await newEvent();
    const shop = await expressShop(new FoyerGate(new FoyerBackend({ foyerUrl: foyer.url, issuer: ISSUER }), { eventId }));
    try {
      const token = await admit(eventId, 'mounted-visitor');
      const arrival = await visit(`${shop.url}/mounted/cart?x=1&wr_token=${token}`);
      expect({ status: arrival.status, location: arrival.location }).toEqual({ status: 303, location: '/mounted/cart?x=1' });
      const inside = await visit(`${shop.url}/mounted/cart?x=1`, { ...API, cookie: `foyer_${eventId}=${token}` });
      expect(inside.body).toMatchObject({ admission: { id: 'mounted-visitor' } });
    } finally {
      await shop.close();
    }
  });

  describe('configuration checked at start, and the loop guard', () => {
    const WRONG_ISSUER = 'http://127.0.0.1:1';

    it('accepts a gate whose settings agree with Foyer', async () => {
      const eventId = await newEvent();
      await expect(new FoyerGate(new FoyerBackend({ foyerUrl: foyer.url, issuer: ISSUER }), { eventId }).verifyConfiguration()).resolves.toBeUndefined();
    });

    it('fails loudly on a wrong issuer, an unknown event and an unreachable Foyer, naming each problem', async () => {
      const eventId = await newEvent();
      const wrongIssuer = new FoyerGate(new FoyerBackend({ foyerUrl: foyer.url, issuer: WRONG_ISSUER }), { eventId });
      const error = (await wrongIssuer.verifyConfiguration().catch((e: unknown) => e)) as GateConfigurationError;
      expect(error).toBeInstanceOf(GateConfigurationError);
      expect(error.problems).toEqual([
        `the gate expects tokens issued by '${WRONG_ISSUER}', but Foyer at ${foyer.url} issues them as '${ISSUER}' (its FOYER_PUBLIC_URL): ` +
          `set the issuer option to '${ISSUER}', or FOYER_PUBLIC_URL to '${WRONG_ISSUER}'`,
      ]);

      const unknownEvent = new FoyerGate(new FoyerBackend({ foyerUrl: foyer.url, issuer: ISSUER }), { eventId: `${eventId}-missing` });
      await expect(unknownEvent.verifyConfiguration()).rejects.toMatchObject({
        problems: [`Foyer at ${foyer.url} has no event '${eventId}-missing': check eventId`],
      });

      const closed = createServer();
      const deadUrl = await listenOnLoopback(closed);
      await new Promise((resolve) => closed.close(resolve));
      const unreachable = new FoyerGate(new FoyerBackend({ foyerUrl: deadUrl, issuer: ISSUER, timeoutMs: 2000 }), { eventId });
      await expect(unreachable.verifyConfiguration()).rejects.toThrow(new RegExp(`Foyer does not answer at ${deadUrl.replace(/[.]/g, '\\.')} `));
    });

    it('sends a visitor whose tokens it refuses to the waiting room once, then says why instead of looping', async () => {
      const eventId = await newEvent();
      const refusals: GateRefusal[] = [];
      // The misconfiguration the loop guard exists for: every token Foyer issues is INVALID here.
      const gate = new FoyerGate(new FoyerBackend({ foyerUrl: foyer.url, issuer: WRONG_ISSUER }), { eventId, onRefusal: (r) => refusals.push(r) });
      const shop = await expressShop(gate);
      try {
        // A browser: follows the shop's redirects to the waiting room, which admits at once and
        // sends it back with wr_token, as the page does; cookies kept in a jar.
        const jar = new Map<string, string>();
        const remember = (cookies: string[]) => {
          for (const cookie of cookies) {
            const [pair, maxAge] = cookie.split('; ');
            const [name, value] = pair.split('=');
            if (maxAge === 'Max-Age=0') jar.delete(name);
            else jar.set(name, value);
          }
        };
        let url = `${shop.url}/checkout`;
        let tripsToWaitingRoom = 0;
        let last: Visit | null = null;
        for (let step = 0; step < 20; step++) {
          last = await visit(url, { ...PAGE, cookie: [...jar].map(([n, val]) => `${n}=${val}`).join('; ') });
          remember(last.cookies);
          if (last.status !== 303) break;
          if (last.location === `${foyer.url}/wr/${eventId}`) {
            tripsToWaitingRoom++;
            url = `${shop.url}/checkout?wr_token=${await admit(eventId, `looping-${tripsToWaitingRoom}`)}`;
          } else {
            url = `${shop.url}${last.location}`;
          }
        }
        // Once for having no admission, once for the refused token; then a page saying why.
        expect(tripsToWaitingRoom).toBe(2);
        expect(last!.status).toBe(403);
        expect(last!.body).toContain('Admission refused');
        expect(last!.body).toContain('INVALID');
        expect(refusals.map((r) => [r.reason, r.loopStopped])).toEqual([
          ['INVALID', false],
          ['INVALID', true],
        ]);
        expect(jar.has(`foyer_${eventId}_refused`)).toBe(false);
      } finally {
        await shop.close();
      }
    });
  });
});
