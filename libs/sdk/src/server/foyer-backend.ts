import { errors, jwtVerify, type JWTPayload } from 'jose';
import { FoyerError } from '../client/foyer-error.js';
import { baseUrlOf, callFoyer, type FetchLike } from '../client/foyer-http.js';
import { FoyerKeySet, KeysUnavailableError } from './foyer-key-set.js';

export interface FoyerBackendOptions {
  /** Foyer's base URL as this server reaches it, e.g. `https://foyer.example.com`. */
  foyerUrl: string;
  /** The expected `iss` (Foyer's `FOYER_PUBLIC_URL`); checked when given. */
  issuer?: string;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** The clock tokens are checked against, in ms. */
  now?: () => number;
  /** Per call to Foyer (verify, exit, JWKS). Default 3 s. */
  timeoutMs?: number;
  /** An unknown `kid` refetches the JWKS at most this often. Default 30 s. */
  jwksCooldownMs?: number;
  /** The JWKS is refetched when older than this. Default 10 min. */
  jwksMaxAgeMs?: number;
  /** How long a `valid` answer of the online check is reused. Default 5 s; 0 asks Foyer every time. */
  onlineCacheMs?: number;
}

/** A session Foyer admitted, as its successToken says. */
export interface Admission {
  eventId: string;
  /** The user's id (`sub`). */
  id: string;
  issuedAt: Date;
  expiresAt: Date;
  /** One per session (`jti`). */
  sessionId: string;
  /** The successToken itself: what `exit` takes. */
  token: string;
}

/**
 * The offline check's verdict. `UNKNOWN_KEY`: signed with a key that Foyer did not publish when
 * the JWKS was last fetched (refetched at most every `jwksCooldownMs`) — forged, or a rotation
 * newer than that fetch; `verifyOnline` tells which. `KEYS_UNAVAILABLE`: the JWKS could not be
 * fetched, and never was.
 */
export type TokenCheck = { valid: true; admission: Admission } | { valid: false; reason: 'INVALID' | 'EXPIRED' | 'UNKNOWN_KEY' | 'KEYS_UNAVAILABLE' };

/** `POST /v1/active/verify`'s answer, times parsed. */
export type OnlineCheck =
  { valid: true; eventId: string; id: string; expiresAt: Date } | { valid: false; reason: 'INVALID' | 'EXPIRED' | 'EXITED' | 'EVENT_NOT_FOUND' };

/** `GET /.well-known/foyer-configuration`: what a backend's settings must agree with. */
export interface FoyerConfiguration {
  /** `iss` of every successToken (Foyer's FOYER_PUBLIC_URL). */
  issuer: string;
  jwksUri: string;
  /** An event's waiting room, with `{eventId}` to replace. */
  waitingRoomUrl: string;
}

/** `POST /v1/active/exit`'s answer. */
export interface ExitAnswer {
  eventId: string;
  id: string;
  status: 'EXITED' | 'ALREADY_EXITED' | 'EXPIRED';
}

export interface BackendCallOptions {
  signal?: AbortSignal;
}

const ALG = 'ES256';
/** Far above any token Foyer signs: longer input is junk, not worth a signature check. */
const MAX_TOKEN_LENGTH = 4096;
const MAX_REMEMBERED_VERDICTS = 10_000;
const ONLINE_REASONS: ReadonlySet<string> = new Set(['INVALID', 'EXPIRED', 'EXITED', 'EVENT_NOT_FOUND']);
const EXIT_STATUSES: ReadonlySet<string> = new Set(['EXITED', 'ALREADY_EXITED', 'EXPIRED']);

/**
 * A customer backend's side of Foyer: check successTokens offline (JWKS) and online, and end
 * sessions. Make one per process and share it: it holds the cached keys.
 */
export class FoyerBackend {
  readonly foyerUrl: string;
  /** The `iss` tokens must carry, when configured. */
  readonly issuer: string | undefined;
  private readonly fetch: FetchLike;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly onlineCacheMs: number;
  private readonly keys: FoyerKeySet;
  /** token → until when its `valid` answer is reused; insertion order is age order. */
  private readonly recentlyValid = new Map<string, { until: number; check: OnlineCheck }>();

  constructor(options: FoyerBackendOptions) {
    this.foyerUrl = baseUrlOf(options.foyerUrl);
    this.issuer = options.issuer;
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.onlineCacheMs = options.onlineCacheMs ?? 5000;
    this.keys = new FoyerKeySet(new URL(`${this.foyerUrl}/.well-known/jwks.json`), {
      fetch: options.fetch,
      timeoutMs: this.timeoutMs,
      cooldownMs: options.jwksCooldownMs ?? 30_000,
      maxAgeMs: options.jwksMaxAgeMs ?? 600_000,
    });
  }

  /**
   * Offline: the signature (ES256, a key of Foyer's JWKS), `evt` equal to `eventId` (a token of
   * another event admits nobody here), `exp`, and `iss` when configured. Exits are not seen
   * offline: `verifyOnline` sees them.
   */
  async verifySuccessToken(token: string, eventId: string): Promise<TokenCheck> {
    if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) return { valid: false, reason: 'INVALID' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys.getKey, {
        algorithms: [ALG],
        issuer: this.issuer,
        requiredClaims: ['sub', 'evt', 'iat', 'exp', 'jti'],
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      // jose checks the signature before the claims: an expired token is one of Foyer's.
      if (error instanceof errors.JWTExpired) return { valid: false, reason: error.payload.evt === eventId ? 'EXPIRED' : 'INVALID' };
      if (error instanceof errors.JWKSNoMatchingKey) return { valid: false, reason: 'UNKNOWN_KEY' };
      if (error instanceof KeysUnavailableError) return { valid: false, reason: 'KEYS_UNAVAILABLE' };
      if (error instanceof errors.JOSEError) return { valid: false, reason: 'INVALID' };
      throw error;
    }
    const { sub, evt, iat, exp, jti } = payload;
    if (evt !== eventId || typeof sub !== 'string' || sub === '' || typeof jti !== 'string') return { valid: false, reason: 'INVALID' };
    return {
      valid: true,
      admission: { eventId: evt, id: sub, issuedAt: new Date(iat! * 1000), expiresAt: new Date(exp! * 1000), sessionId: jti, token },
    };
  }

  /**
   * Online (`POST /v1/active/verify`): Foyer's own answer, which sees exits and expiry by its
   * clock. A `valid` answer is reused for `onlineCacheMs`, except after `exit` through this
   * object. Rejects with a `FoyerError` when Foyer gives no usable answer.
   */
  async verifyOnline(token: string, options: BackendCallOptions = {}): Promise<OnlineCheck> {
    const remembered = this.recentlyValid.get(token);
    if (remembered && remembered.until > this.now()) return remembered.check;
    if (remembered) this.recentlyValid.delete(token);
    const body = await callFoyer(this.fetch, `${this.foyerUrl}/v1/active/verify`, {
      method: 'POST',
      json: { successToken: token },
      signal: options.signal,
      timeoutMs: this.timeoutMs,
    });
    const check = readOnlineCheck(body);
    if (check.valid && this.onlineCacheMs > 0) this.remember(token, check);
    return check;
  }

  /** Foyer's `/.well-known/foyer-configuration`. Rejects with a `FoyerError` when Foyer gives no usable answer. */
  async configuration(options: BackendCallOptions = {}): Promise<FoyerConfiguration> {
    const body = await callFoyer(this.fetch, `${this.foyerUrl}/.well-known/foyer-configuration`, {
      method: 'GET',
      signal: options.signal,
      timeoutMs: this.timeoutMs,
    });
    const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const { issuer, jwksUri, waitingRoomUrl } = answer;
    if (typeof issuer !== 'string' || typeof jwksUri !== 'string' || typeof waitingRoomUrl !== 'string') {
      throw new FoyerError(200, 'INVALID_RESPONSE', `${this.foyerUrl}/.well-known/foyer-configuration is not a Foyer configuration`);
    }
    return { issuer, jwksUri, waitingRoomUrl };
  }

  /** How many public keys Foyer publishes now (fetched afresh). */
  async publishedKeyCount(options: BackendCallOptions = {}): Promise<number> {
    const body = await callFoyer(this.fetch, `${this.foyerUrl}/.well-known/jwks.json`, { method: 'GET', signal: options.signal, timeoutMs: this.timeoutMs });
    const keys = (body as { keys?: unknown } | null)?.keys;
    return Array.isArray(keys) ? keys.length : 0;
  }

  /** Whether Foyer has the event: its waiting room answers (404 when there is no such event). */
  async hasEvent(eventId: string, options: BackendCallOptions = {}): Promise<boolean> {
    const response = await this.fetch(`${this.foyerUrl}/wr/${encodeURIComponent(eventId)}`, { method: 'GET', signal: options.signal });
    await response.body?.cancel();
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw new FoyerError(response.status, `HTTP_${response.status}`, `Foyer answered ${response.status} for the waiting room of '${eventId}'`);
  }

  /** `POST /v1/active/exit`: the user is done; the slot goes to the next waiter. Idempotent. */
  async exit(token: string, options: BackendCallOptions = {}): Promise<ExitAnswer> {
    this.recentlyValid.delete(token);
    const body = await callFoyer(this.fetch, `${this.foyerUrl}/v1/active/exit`, {
      method: 'POST',
      json: { successToken: token },
      signal: options.signal,
      timeoutMs: this.timeoutMs,
    });
    this.recentlyValid.delete(token);
    const answer = body as Partial<ExitAnswer>;
    if (typeof answer.eventId !== 'string' || typeof answer.id !== 'string' || !EXIT_STATUSES.has(answer.status as string)) {
      throw new FoyerError(200, 'INVALID_RESPONSE', 'Foyer answered the exit with something that is not an exit answer');
    }
    return { eventId: answer.eventId, id: answer.id, status: answer.status! };
  }

  private remember(token: string, check: OnlineCheck): void {
    this.recentlyValid.delete(token);
    if (this.recentlyValid.size >= MAX_REMEMBERED_VERDICTS) {
      const oldest = this.recentlyValid.keys().next();
      if (!oldest.done) this.recentlyValid.delete(oldest.value);
    }
    this.recentlyValid.set(token, { until: this.now() + this.onlineCacheMs, check });
  }
}

function readOnlineCheck(body: unknown): OnlineCheck {
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (answer.valid === true && typeof answer.eventId === 'string' && typeof answer.id === 'string' && typeof answer.expiresAt === 'string') {
    return { valid: true, eventId: answer.eventId, id: answer.id, expiresAt: new Date(answer.expiresAt) };
  }
  if (answer.valid === false && typeof answer.reason === 'string' && ONLINE_REASONS.has(answer.reason)) {
    return { valid: false, reason: answer.reason as Exclude<OnlineCheck, { valid: true }>['reason'] };
  }
  throw new FoyerError(200, 'INVALID_RESPONSE', 'Foyer answered the verify with something that is not a verify answer');
}
