/**
 * The SDK's gate across a signing-key rotation and an outage of Foyer: Foyer starts with key A, a
 * gate caches A from the JWKS; Foyer stops (the gate's choice when Foyer cannot be reached is
 * seen), then comes back on the same port and store with key B, publishing A through
 * TOKEN_PUBLIC_KEYS. Tokens of both keys pass.
 */
import { jest } from '@jest/globals';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { decodeProtectedHeader } from 'jose';
import { loadConfig } from '@foyer/config';
import { admissionOf, expressGate, FoyerBackend, FoyerGate, type FoyerGateOptions } from '@foyer/sdk/server';
import { createFoyerHttpApp } from '@foyer/composition';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, type FoyerBacking } from './support/foyer.js';
import { HttpClient } from './support/http.js';
import { eventually, listenOnLoopback } from './support/services.js';
import { uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(90_000);

const ISSUER = 'https://foyer.sdk-rotation.test';
const API = { accept: 'application/json' };

function newKeyPem(): { privatePem: string; publicPem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString(),
  };
}

interface Foyer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The real app on a given port (0: any), so a restarted Foyer is where the gate knows it. */
async function startFoyerOn(backing: FoyerBacking, env: Record<string, string>, port: number): Promise<Foyer> {
  const app = await createFoyerHttpApp(loadConfig({ ...backing.env, FOYER_PUBLIC_URL: ISSUER, ...env }));
  await app.listen({ port, host: '127.0.0.1' });
  const actual = (app.getHttpServer().address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${actual}`, port: actual, close: () => app.close() };
}

/** A fetch that counts what the SDK asks Foyer, by path. */
function countingFetch() {
  const paths: string[] = [];
  const fetchImpl = (url: string, init: RequestInit) => {
    paths.push(new URL(url).pathname);
    return fetch(url, init);
  };
  return { fetch: fetchImpl, count: (path: string) => paths.filter((seen) => seen === path).length };
}

describe('the gate across a key rotation and an outage', () => {
  const keyA = newKeyPem();
  const keyB = newKeyPem();
  let backing: FoyerBacking;
  let foyer: Foyer;
  let shop: Server;
  let shopUrl: string;
  let eventId: string;
  const gates: Record<string, { backend: FoyerBackend; count: (path: string) => number }> = {};

  /** Gates of one shop, each on its own path and its own backend (its own key cache). */
  function mountGate(path: string, options: Omit<FoyerGateOptions, 'eventId'>, backendOptions: { jwksCooldownMs?: number } = {}) {
    const counter = countingFetch();
    const backend = new FoyerBackend({ foyerUrl: foyer.url, issuer: ISSUER, fetch: counter.fetch, onlineCacheMs: 0, ...backendOptions });
    gates[path] = { backend, count: counter.count };
    app.get(path, expressGate(new FoyerGate(backend, { eventId, ...options })), (request, response) => {
      response.json({ admission: admissionOf(request) });
    });
  }
  const app = express();

  async function through(path: string, token: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${shopUrl}${path}`, { headers: { ...API, cookie: `foyer_${eventId}=${token}` }, redirect: 'manual' });
    return { status: response.status, body: await response.json() };
  }

  async function admit(http: HttpClient, id: string): Promise<string> {
    const answer = await visitor(http).enter({ eventId, id });
    expect(answer.body).toMatchObject({ status: 'ENTER' });
    return answer.body.successToken as string;
  }

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
    foyer = await startFoyerOn(backing, { TOKEN_PRIVATE_KEY: keyA.privatePem }, 0);
    eventId = uniqueEventId('sdk-rotation');
    expect((await admin(new HttpClient(foyer.url)).createEvent({ eventId, name: 'Rotation', limitCnt: 10, minPollIntervalMs: 0 })).status).toBe(201);
    // The default gate; one that fails closed; one that never asks Foyer online and refetches keys freely.
    mountGate('/default', {});
    mountGate('/closed', { whenFoyerUnreachable: 'refuse' });
    mountGate('/offline', { checkOnline: false }, { jwksCooldownMs: 0 });
    shop = createServer(app);
    shopUrl = await listenOnLoopback(shop);
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => shop?.close(resolve));
    await foyer?.close();
    await backing?.dispose();
  });

  it('passes tokens of the old key and the new one, and sees an outage as documented in between', async () => {
    const http = new HttpClient(foyer.url);
    const oldToken = await admit(http, 'alice');
    const oldKid = decodeProtectedHeader(oldToken).kid;
    for (const path of ['/default', '/closed', '/offline']) {
      expect({ path, ...(await through(path, oldToken)) }).toMatchObject({ path, status: 200, body: { admission: { id: 'alice' } } });
      expect(gates[path].count('/.well-known/jwks.json')).toBe(1);
    }

    // Foyer goes away: signed sessions still pass by default, fail closed when asked.
    const port = foyer.port;
    await foyer.close();
    expect(await through('/default', oldToken)).toMatchObject({ status: 200, body: { admission: { id: 'alice' } } });
    expect(await through('/closed', oldToken)).toEqual({ status: 503, body: expect.objectContaining({ code: 'FOYER_UNAVAILABLE' }) });
    expect(await through('/offline', oldToken)).toMatchObject({ status: 200 });

    // Back on the same port and store, signing with B and still publishing A.
    foyer = await startFoyerOn(backing, { TOKEN_PRIVATE_KEY: keyB.privatePem, TOKEN_PUBLIC_KEYS: keyA.publicPem }, port);
    const jwks = await new HttpClient(foyer.url).get('/.well-known/jwks.json');
    expect(jwks.body.keys).toHaveLength(2);
    const newToken = await admit(new HttpClient(foyer.url), 'bob');
    const newKid = decodeProtectedHeader(newToken).kid;
    expect(newKid).not.toBe(oldKid);
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual([newKid, oldKid]);

    for (const path of ['/default', '/closed', '/offline']) {
      for (const [who, token] of [
        ['alice', oldToken],
        ['bob', newToken],
      ] as const) {
        // The restarted server may first drop connections the gate kept open to the old one.
        const passed = await eventually(
          async () => {
            const answer = await through(path, token);
            return answer.status === 200 && answer;
          },
          20_000,
          `${who} through ${path}`,
        );
        expect(passed.body).toMatchObject({ admission: { eventId, id: who } });
      }
    }
    // The offline gate checked B's token with keys it refetched for the unknown kid, not by asking Foyer.
    expect(gates['/offline'].count('/.well-known/jwks.json')).toBeGreaterThanOrEqual(2);
    expect(gates['/offline'].count('/v1/active/verify')).toBe(0);

    // Exits of either key's sessions work after the rotation, and the gate sees them.
    const backend = gates['/default'].backend;
    expect(await backend.exit(oldToken)).toMatchObject({ id: 'alice', status: 'EXITED' });
    expect(await backend.exit(newToken)).toMatchObject({ id: 'bob', status: 'EXITED' });
    expect(await through('/default', oldToken)).toMatchObject({ status: 403, body: { reason: 'EXITED' } });
    expect(await through('/default', newToken)).toMatchObject({ status: 403, body: { reason: 'EXITED' } });
  });
});
