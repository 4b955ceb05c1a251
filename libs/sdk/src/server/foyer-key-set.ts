import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  jwksCache,
  type ExportedJWKSCache,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type RemoteJWKSet,
} from 'jose';
import type { FetchLike } from '../client/foyer-http.js';

export interface FoyerKeySetOptions {
  fetch?: FetchLike;
  timeoutMs: number;
  /** After a fetch, an unknown `kid` refetches only once this has passed (a flood of made-up kids must not flood Foyer). */
  cooldownMs: number;
  /** Keys are refetched when older than this. */
  maxAgeMs: number;
}

/** The JWKS could not be fetched and no keys were ever fetched: nothing to check a signature with. */
export class KeysUnavailableError extends Error {
  override readonly name = 'KeysUnavailableError';
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * Foyer's public keys from `/.well-known/jwks.json`, through jose's remote JWKS: cached, and
 * refetched when a token names a `kid` the cache does not hold (key rotation). While the JWKS
 * cannot be fetched, the keys fetched last still check signatures: Foyer being down does not
 * make a signature false.
 */
export class FoyerKeySet {
  private readonly remote: RemoteJWKSet;
  /** Filled by jose on every successful fetch: the last keys, and when they came. */
  private readonly fetched: Partial<ExportedJWKSCache> = {};
  private fallbackKeys: { fetchedAt: number; keys: LocalKeySet } | null = null;

  constructor(jwksUrl: URL, options: FoyerKeySetOptions) {
    this.remote = createRemoteJWKSet(jwksUrl, {
      timeoutDuration: options.timeoutMs,
      cooldownDuration: options.cooldownMs,
      cacheMaxAge: options.maxAgeMs,
      [jwksCache]: this.fetched as ExportedJWKSCache,
      ...(options.fetch ? { [customFetch]: options.fetch } : {}),
    });
  }

  /** A jose key resolver (`jwtVerify(token, keySet.getKey)`). */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    try {
      return await this.remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      const fallback = this.fallback();
      if (!fallback) throw new KeysUnavailableError('the JWKS cannot be fetched and no keys were fetched before', { cause: error });
      return fallback(header, token);
    }
  };

  /** The key set as last fetched, if ever. */
  jwks(): JSONWebKeySet | undefined {
    return this.remote.jwks();
  }

  private fallback(): LocalKeySet | null {
    const { jwks, uat } = this.fetched;
    if (!jwks || uat === undefined) return null;
    if (this.fallbackKeys?.fetchedAt !== uat) this.fallbackKeys = { fetchedAt: uat, keys: createLocalJWKSet(jwks) };
    return this.fallbackKeys.keys;
  }
}
