import type { JsonWebKey, KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, errors, SignJWT, type CompactJWSHeaderParameters } from 'jose';
import { systemClock, type Clock } from '@foyer/domain';
import { isCanonicalCompactJws } from './canonical-jws.js';
import { parseEs256PrivateKey, parseEs256PublicKey } from './es256-key.js';

/** What a valid successToken says, times in milliseconds (whole seconds on the wire). */
export interface SuccessTokenClaims {
  eventId: string;
  id: string;
  seq: number;
  epoch: string;
  issuedAt: number;
  expiresAt: number;
}

export interface SuccessTokenInput {
  eventId: string;
  id: string;
  seq: number;
  epoch: string;
  admittedAt: number;
  expiresAt: number;
}

export type SuccessTokenVerification = { ok: true; claims: SuccessTokenClaims; expired: boolean } | { ok: false };

export interface SuccessTokensOptions {
  privateKeyPem: string;
  /** Further public keys accepted and published (key rotation). */
  extraPublicKeysPem: string[];
  /** `iss` of every token: `FOYER_PUBLIC_URL`. */
  issuer: string;
  /** Decides `expired`; the system clock unless a test moves time. */
  clock?: Clock;
}

interface VerificationKey {
  key: KeyObject;
  jwk: JsonWebKey;
}

const ALG = 'ES256';
/** Far above any token Foyer signs; longer input is junk, not worth a signature check. */
const MAX_TOKEN_LENGTH = 4096;
/** `jti` is `${epoch}.${seq}`: the last dot splits it, so an epoch may contain dots. */
const JTI = /^(.+)\.(0|[1-9][0-9]{0,15})$/;

/**
 * The successToken: an ES256 JWT that customer backends verify offline against the JWKS.
 * `verify` separates "not ours" (`ok: false`) from "ours but expired" (`expired: true`), because
 * the exit webhook answers them differently.
 */
export class SuccessTokens {
  private constructor(
    private readonly privateKey: KeyObject,
    private readonly kid: string,
    private readonly keysByKid: ReadonlyMap<string, VerificationKey>,
    /** `iss` of every token: the public URL (FOYER_PUBLIC_URL). */
    readonly issuer: string,
    private readonly clock: Clock,
  ) {}

  static async create(options: SuccessTokensOptions): Promise<SuccessTokens> {
    const privateKey = parseEs256PrivateKey(options.privateKeyPem);
    const publicKeys = [parseEs256PublicKey(options.privateKeyPem), ...options.extraPublicKeysPem.map(parseEs256PublicKey)];
    const keysByKid = new Map<string, VerificationKey>();
    for (const key of publicKeys) {
      const { kty, crv, x, y } = key.export({ format: 'jwk' });
      const kid = await calculateJwkThumbprint({ kty, crv, x, y });
      if (!keysByKid.has(kid)) keysByKid.set(kid, { key, jwk: { kty, crv, x, y, kid, alg: ALG, use: 'sig' } });
    }
    const [signingKid] = keysByKid.keys();
    return new SuccessTokens(privateKey, signingKid, keysByKid, options.issuer, options.clock ?? systemClock);
  }

  sign(input: SuccessTokenInput): Promise<string> {
    return new SignJWT({ evt: input.eventId })
      .setProtectedHeader({ alg: ALG, kid: this.kid, typ: 'JWT' })
      .setSubject(input.id)
      .setIssuer(this.issuer)
      .setIssuedAt(Math.floor(input.admittedAt / 1000))
      .setExpirationTime(Math.floor(input.expiresAt / 1000))
      .setJti(`${input.epoch}.${input.seq}`)
      .sign(this.privateKey);
  }

  async verify(token: string): Promise<SuccessTokenVerification> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !isCanonicalCompactJws(token)) {
      return { ok: false };
    }
    let payload: Uint8Array;
    try {
      ({ payload } = await compactVerify(token, (header) => this.verificationKey(header), { algorithms: [ALG] }));
    } catch (error) {
      if (error instanceof errors.JOSEError) return { ok: false };
      throw error;
    }
    const claims = this.readClaims(payload);
    if (!claims) return { ok: false };
    return { ok: true, claims, expired: this.clock.now() >= claims.expiresAt };
  }

  /** The public keys customer backends verify with (`/.well-known/jwks.json`); the signing key first. */
  jwks(): { keys: JsonWebKey[] } {
    return { keys: [...this.keysByKid.values()].map(({ jwk }) => ({ ...jwk })) };
  }

  private verificationKey(header: CompactJWSHeaderParameters): KeyObject {
    const found = header.kid === undefined ? undefined : this.keysByKid.get(header.kid);
    if (!found) throw new errors.JWKSNoMatchingKey();
    return found.key;
  }

  private readClaims(payload: Uint8Array): SuccessTokenClaims | null {
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload).toString('utf8'));
    } catch {
      return null;
    }
    if (typeof claims !== 'object' || claims === null) return null;
    const { sub, evt, iat, exp, jti, iss } = claims as Record<string, unknown>;
    if (iss !== this.issuer || typeof sub !== 'string' || sub === '' || typeof evt !== 'string' || evt === '') return null;
    if (!isWholeSeconds(iat) || !isWholeSeconds(exp) || typeof jti !== 'string') return null;
    const session = JTI.exec(jti);
    if (!session) return null;
    const seq = Number(session[2]);
    if (!Number.isSafeInteger(seq)) return null;
    return { eventId: evt, id: sub, seq, epoch: session[1], issuedAt: iat * 1000, expiresAt: exp * 1000 };
  }
}

function isWholeSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
