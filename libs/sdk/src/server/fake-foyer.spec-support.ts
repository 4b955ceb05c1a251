import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { FetchLike } from '../client/foyer-http.js';

export const FOYER_URL = 'https://foyer.test';
export const ISSUER = 'https://foyer.test';

export interface SigningKey {
  privateKey: CryptoKey;
  jwk: JWK;
  kid: string;
}

export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint({ kty: kty!, crv: crv!, x: x!, y: y! });
  return { privateKey, kid, jwk: { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' } };
}

export interface TokenClaims {
  evt?: string;
  sub?: string;
  iss?: string;
  iatSec?: number;
  expSec?: number;
  jti?: string;
}

/** A successToken as Foyer signs it (libs/tokens), claims overridable. */
export function signToken(key: SigningKey, claims: TokenClaims = {}): Promise<string> {
  const iat = claims.iatSec ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ evt: claims.evt ?? 'concert' })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject(claims.sub ?? 'user-1')
    .setIssuer(claims.iss ?? ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(claims.expSec ?? iat + 600)
    .setJti(claims.jti ?? 'epoch.1')
    .sign(key.privateKey);
}

type VerifyAnswer = Record<string, unknown>;

/**
 * Foyer's JWKS, verify and exit routes behind a fetch: the keys it publishes, what verify says,
 * whether it answers at all, and a count of every call.
 */
export class FakeFoyer {
  published: JWK[] = [];
  reachable = true;
  calls: { path: string; body: unknown }[] = [];
  exited = new Set<string>();
  verifyAnswer: (token: string) => VerifyAnswer = (token) =>
    this.exited.has(token) ? { valid: false, reason: 'EXITED' } : { valid: true, eventId: 'concert', id: 'user-1', expiresAt: '2099-01-01T00:00:00.000Z' };

  readonly fetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname;
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as { successToken: string }) : undefined;
    this.calls.push({ path, body });
    if (!this.reachable) throw new TypeError('fetch failed');
    switch (path) {
      case '/.well-known/jwks.json':
        return Response.json({ keys: this.published });
      case '/v1/active/verify':
        return Response.json(this.verifyAnswer(body!.successToken));
      case '/v1/active/exit':
        this.exited.add(body!.successToken);
        return Response.json({ eventId: 'concert', id: 'user-1', status: 'EXITED' });
      default:
        return Response.json({ statusCode: 404, code: 'NOT_FOUND', message: path }, { status: 404 });
    }
  };

  count(path: string): number {
    return this.calls.filter((call) => call.path === path).length;
  }
}
