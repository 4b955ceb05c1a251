import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeFoyer, FOYER_URL, ISSUER, newSigningKey, signToken, type SigningKey } from '../fake-foyer.spec-support.js';
import { FoyerBackend } from '../foyer-backend.js';
import { admissionOf } from './framework-io.js';
import { FoyerGate } from './foyer-gate.js';
import { FoyerGuard, type HttpExecutionContext } from './nest-guard.js';

/** What Nest hands a guard: here, over a real Node request and response (as on the Express platform). */
function contextOf(request: unknown, response: unknown): HttpExecutionContext {
  return { switchToHttp: () => ({ getRequest: <T>() => request as T, getResponse: <T>() => response as T }) };
}

describe('FoyerGuard', () => {
  const foyer = new FakeFoyer();
  let key: SigningKey;
  let guard: FoyerGuard;
  let server: Server;
  let url: string;
  const outcomes: { activated: boolean; admitted: string | undefined; headersSent: boolean }[] = [];

  beforeAll(async () => {
    key = await newSigningKey();
    foyer.published = [key.jwk];
    const backend = new FoyerBackend({ foyerUrl: FOYER_URL, issuer: ISSUER, fetch: foyer.fetch });
    guard = new FoyerGuard(new FoyerGate(backend, { eventId: 'concert' }));
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      void guard.canActivate(contextOf(request, response)).then((activated) => {
        outcomes.push({ activated, admitted: admissionOf(request)?.id, headersSent: response.headersSent });
        if (activated) response.end('inside');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    outcomes.length = 0;
  });

  it('activates an admitted request, with its admission', async () => {
    const token = await signToken(key, { sub: 'nest-user' });
    const request = { method: 'GET', url: '/checkout', headers: { cookie: `foyer_concert=${token}` } };
    expect(await guard.canActivate(contextOf(request, {}))).toBe(true);
    expect(admissionOf(request)).toMatchObject({ id: 'nest-user', eventId: 'concert' });
  });

  it('on a Node response (Express platform): answers the refusal itself, then returns false with headers sent', async () => {
    const response = await fetch(`${url}/checkout`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect({ status: response.status, location: response.headers.get('location') }).toEqual({ status: 303, location: `${FOYER_URL}/wr/concert` });
    const api = await fetch(`${url}/checkout`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ code: 'ADMISSION_REQUIRED', reason: 'MISSING' });
    expect(outcomes).toEqual([
      { activated: false, admitted: undefined, headersSent: true },
      { activated: false, admitted: undefined, headersSent: true },
    ]);
  });

  it("on Fastify's reply: hijacks it and writes on the raw response", async () => {
    const written: { status?: number; headers: Record<string, unknown>; body?: string } = { headers: {} };
    const raw = {
      set statusCode(status: number) {
        written.status = status;
      },
      setHeader: (name: string, value: unknown) => {
        written.headers[name] = value;
      },
      end: (body: string) => {
        written.body = body;
      },
    };
    let hijacked = false;
    const reply = { raw, hijack: () => (hijacked = true), send: () => raw };
    const request = { method: 'GET', url: '/checkout', headers: { accept: 'application/json' }, protocol: 'http' };
    expect(await guard.canActivate(contextOf(request, reply))).toBe(false);
    expect(hijacked).toBe(true);
    expect(written).toMatchObject({ status: 403, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(JSON.parse(written.body!)).toMatchObject({ reason: 'MISSING' });
  });
});
