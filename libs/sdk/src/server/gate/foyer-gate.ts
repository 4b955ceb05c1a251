import { decodeJwt } from 'jose';
import { FoyerError } from '../../client/foyer-error.js';
import type { Admission, FoyerBackend, FoyerConfiguration, OnlineCheck } from '../foyer-backend.js';
import { clearedCookie, readCookie, sessionCookie, type SessionCookie } from './gate-cookie.js';
import { takeTokenFromUrl } from './gate-url.js';

/**
 * What the gate does when it cannot reach Foyer for the online check:
 * - `accept-signed` (default): a token whose signature, event and expiry check out against the
 *   keys fetched last is let in; an exit Foyer recorded meanwhile is not seen until Foyer answers
 *   again (at worst the session runs to its `exp`). Admitted visitors keep shopping through an
 *   outage of the waiting room; nobody new gets in, since nobody new gets a token.
 * - `refuse`: fail closed, `503 FOYER_UNAVAILABLE` for any request carrying a token.
 * A token that cannot be checked offline at all (keys never fetched, or a key newer than the
 * last fetch) is answered 503 under both.
 */
export type UnreachablePolicy = 'accept-signed' | 'refuse';

export interface FoyerGateOptions {
  /** The event this gate guards: tokens of other events are refused. */
  eventId: string;
  /** Ask Foyer (`POST /v1/active/verify`) so exited sessions are refused. Default true. */
  checkOnline?: boolean;
  /** See `UnreachablePolicy`. Default `accept-signed`. */
  whenFoyerUnreachable?: UnreachablePolicy;
  /** Default `foyer_<eventId>`. */
  cookieName?: string;
  /** Default `/`. */
  cookiePath?: string;
  /** Default: Secure when the request came over https (as the framework sees it, proxies included). */
  secureCookie?: boolean;
  /** Where visitors without admission go. Default `{foyerUrl}/wr/{eventId}`. */
  waitingRoomUrl?: string;
  /** Told each time Foyer could not be reached for a check (for logs and metrics). */
  onFoyerUnreachable?: (error: FoyerError) => void;
  /**
   * Told of every refusal that is not an ordinary one (a token Foyer issued that this gate finds
   * invalid, an ended session, an unknown event), with the reason: such a refusal usually means a
   * misconfigured gate. Default: one line on `console.warn`.
   */
  onRefusal?: (refusal: GateRefusal) => void;
  /** The clock of the cookie's Max-Age, in ms. */
  now?: () => number;
}

/** A refusal worth a log line: what was refused, why, and whether the loop guard stopped a second trip to the waiting room. */
export interface GateRefusal {
  eventId: string;
  reason: RefusalReason;
  url: string;
  /** True when the visitor was not sent back to the waiting room, having just come from it with a token refused the same way. */
  loopStopped: boolean;
}

/** The gate's settings disagree with Foyer's (see `FoyerGate.verifyConfiguration`). */
export class GateConfigurationError extends Error {
  override readonly name = 'GateConfigurationError';

  constructor(readonly problems: readonly string[]) {
    super(`the Foyer gate is misconfigured:\n- ${problems.join('\n- ')}`);
  }
}

/** A request as the gate needs it, whatever the framework. */
export interface GateRequest {
  method: string;
  /** Path and query as received (Express: `originalUrl`). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Came over https (directly or as a trusted proxy says). */
  secure: boolean;
}

export type RefusalReason = 'MISSING' | 'INVALID' | 'EXPIRED' | 'EXITED' | 'EVENT_NOT_FOUND';

/** Let the request through, or answer it (redirect, 403, 503) in the gate's place. */
export type GateDecision =
  | { action: 'pass'; admission: Admission }
  | {
      action: 'answer';
      statusCode: 303 | 403 | 503;
      headers: Record<string, string | string[]>;
      body: string;
      /** Why: `ADMITTED` for the wr_token exchange, a refusal reason, or `FOYER_UNAVAILABLE`. */
      outcome: 'ADMITTED' | RefusalReason | 'FOYER_UNAVAILABLE';
    };

type Verdict = { admitted: true; admission: Admission } | { admitted: false; reason: RefusalReason } | { unavailable: FoyerError };

/**
 * One gate for Express, Fastify and NestJS (their adapters only translate): lets only admitted
 * users through.
 * - `?wr_token=` on a GET is checked and exchanged for an HttpOnly cookie, and the browser is sent
 *   (303) to the same URL without it, so the token does not linger in history, logs or Referer;
 * - a valid session cookie passes; the admission is on `admissionOf(request)`;
 * - otherwise a page navigation (GET accepting HTML) is sent to the waiting room, anything else
 *   gets `403 ADMISSION_REQUIRED` as JSON; a refused cookie is cleared.
 */
export class FoyerGate {
  readonly eventId: string;
  readonly waitingRoomUrl: string;
  private readonly checkOnline: boolean;
  private readonly policy: UnreachablePolicy;
  private readonly cookieName: string;
  private readonly cookiePath: string;
  private readonly secureCookie: boolean | undefined;
  private readonly onFoyerUnreachable: ((error: FoyerError) => void) | undefined;
  private readonly onRefusal: (refusal: GateRefusal) => void;
  private readonly now: () => number;

  constructor(
    private readonly foyer: FoyerBackend,
    options: FoyerGateOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.eventId = options.eventId;
    this.waitingRoomUrl = options.waitingRoomUrl ?? `${foyer.foyerUrl}/wr/${encodeURIComponent(options.eventId)}`;
    this.checkOnline = options.checkOnline ?? true;
    this.policy = options.whenFoyerUnreachable ?? 'accept-signed';
    this.cookieName = options.cookieName ?? `foyer_${options.eventId}`;
    this.cookiePath = options.cookiePath ?? '/';
    this.secureCookie = options.secureCookie;
    this.onFoyerUnreachable = options.onFoyerUnreachable;
    this.onRefusal = options.onRefusal ?? warnOfRefusal;
  }

  /**
   * Checks the gate's settings against Foyer: that Foyer answers at `foyerUrl`, signs tokens as
   * the `issuer` the backend expects, publishes keys, and has the event. Call it once at start
   * (`await gate.verifyConfiguration()` before listening): a gate that disagrees with Foyer would
   * otherwise refuse every admitted visitor. Rejects with a `GateConfigurationError` naming every
   * problem found.
   */
  async verifyConfiguration(): Promise<void> {
    const problems: string[] = [];
    const foyerUrl = this.foyer.foyerUrl;
    let configuration: FoyerConfiguration;
    try {
      configuration = await this.foyer.configuration();
    } catch (error) {
      throw new GateConfigurationError([`Foyer does not answer at ${foyerUrl} (${describe(error)}): check foyerUrl`]);
    }
    const expected = this.foyer.issuer;
    if (expected !== undefined && expected !== configuration.issuer) {
      problems.push(
        `the gate expects tokens issued by '${expected}', but Foyer at ${foyerUrl} issues them as '${configuration.issuer}' (its FOYER_PUBLIC_URL): ` +
          `set the issuer option to '${configuration.issuer}', or FOYER_PUBLIC_URL to '${expected}'`,
      );
    }
    try {
      if ((await this.foyer.publishedKeyCount()) === 0) problems.push(`Foyer at ${foyerUrl} publishes no keys at /.well-known/jwks.json`);
    } catch (error) {
      problems.push(`Foyer's keys could not be read from ${foyerUrl}/.well-known/jwks.json (${describe(error)})`);
    }
    try {
      if (!(await this.foyer.hasEvent(this.eventId))) problems.push(`Foyer at ${foyerUrl} has no event '${this.eventId}': check eventId`);
    } catch (error) {
      problems.push(`whether Foyer has the event '${this.eventId}' could not be checked (${describe(error)})`);
    }
    if (problems.length > 0) throw new GateConfigurationError(problems);
  }

  async check(request: GateRequest): Promise<GateDecision> {
    const cookie: SessionCookie = { name: this.cookieName, path: this.cookiePath, secure: this.secureCookie ?? request.secure };
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    const inUrl = isRead ? takeTokenFromUrl(request.url) : null;
    if (inUrl?.token) {
      const verdict = await this.judge(inUrl.token);
      if ('unavailable' in verdict) return this.unavailable();
      if (!verdict.admitted) return this.refuse(request, verdict.reason, null);
      const maxAgeSec = (verdict.admission.expiresAt.getTime() - this.now()) / 1000;
      const cookies = [sessionCookie(cookie, inUrl.token, maxAgeSec)];
      if (readCookie(request.headers.cookie, this.guardCookie(cookie).name) !== null) cookies.push(clearedCookie(this.guardCookie(cookie)));
      return answer(303, 'ADMITTED', {
        location: inUrl.cleanUrl,
        'set-cookie': cookies,
        // The answer to a URL with a token in it: never cached, never passed on as Referer.
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
    }
    const token = readCookie(request.headers.cookie, this.cookieName);
    if (token === null) return this.refuse(request, 'MISSING', null);
    const verdict = await this.judge(token);
    if ('unavailable' in verdict) return this.unavailable();
    if (!verdict.admitted) return this.refuse(request, verdict.reason, cookie);
    return { action: 'pass', admission: verdict.admission };
  }

  private async judge(token: string): Promise<Verdict> {
    const offline = await this.foyer.verifySuccessToken(token, this.eventId);
    if (offline.valid) {
      if (!this.checkOnline) return { admitted: true, admission: offline.admission };
      const online = await this.askFoyer(token);
      if (online instanceof FoyerError) {
        return this.policy === 'accept-signed' ? { admitted: true, admission: offline.admission } : { unavailable: online };
      }
      return online.valid ? { admitted: true, admission: offline.admission } : { admitted: false, reason: online.reason };
    }
    if (offline.reason === 'INVALID' || offline.reason === 'EXPIRED') return { admitted: false, reason: offline.reason };
    // The signature cannot be checked here (a key newer than the last JWKS fetch, or no keys at
    // all): Foyer's own answer decides, whatever `checkOnline` says.
    const online = await this.askFoyer(token);
    if (online instanceof FoyerError) return { unavailable: online };
    if (!online.valid) return { admitted: false, reason: online.reason };
    if (online.eventId !== this.eventId) return { admitted: false, reason: 'INVALID' };
    const claims = readClaims(token);
    if (!claims) return { admitted: false, reason: 'INVALID' };
    return {
      admitted: true,
      admission: { eventId: online.eventId, id: online.id, issuedAt: claims.issuedAt, expiresAt: online.expiresAt, sessionId: claims.sessionId, token },
    };
  }

  private async askFoyer(token: string): Promise<OnlineCheck | FoyerError> {
    try {
      return await this.foyer.verifyOnline(token);
    } catch (error) {
      if (!(error instanceof FoyerError)) throw error;
      this.onFoyerUnreachable?.(error);
      return error;
    }
  }

  private refuse(request: GateRequest, reason: RefusalReason, clear: SessionCookie | null): GateDecision {
    const headers: Record<string, string | string[]> = { 'cache-control': 'no-store' };
    const cookies = clear ? [clearedCookie(clear)] : [];
    if (wantsPage(request)) {
      if (!UNUSUAL.has(reason)) return answer(303, reason, { ...headers, ...setCookies(cookies), location: this.waitingRoomUrl });
      // An unusual refusal sends the visitor to the waiting room once; coming back from it with a
      // token refused the same way, they are told why instead of being sent round again.
      const guard = this.guardCookie(clear ?? { name: this.cookieName, path: this.cookiePath, secure: this.secureCookie ?? request.secure });
      const loopStopped = readCookie(request.headers.cookie, guard.name) === reason;
      this.onRefusal({ eventId: this.eventId, reason, url: request.url, loopStopped });
      if (!loopStopped) {
        cookies.push(sessionCookie(guard, reason, LOOP_GUARD_SEC));
        return answer(303, reason, { ...headers, ...setCookies(cookies), location: this.waitingRoomUrl });
      }
      cookies.push(clearedCookie(guard));
      return answer(403, reason, { ...headers, ...setCookies(cookies), 'content-type': 'text/html; charset=utf-8' }, refusalPage(reason, this.waitingRoomUrl));
    }
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    const body = {
      statusCode: 403,
      code: 'ADMISSION_REQUIRED',
      reason,
      message: REFUSALS[reason],
      waitingRoomUrl: this.waitingRoomUrl,
    };
    return answer(403, reason, { ...headers, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(body));
  }

  /** Remembers an unusual refusal for a minute: the loop guard's memory, beside the session cookie. */
  private guardCookie(session: SessionCookie): SessionCookie {
    return { ...session, name: `${this.cookieName}_refused` };
  }

  private unavailable(): GateDecision {
    const body = { statusCode: 503, code: 'FOYER_UNAVAILABLE', message: 'the waiting room cannot be reached to check this admission; try again shortly' };
    return answer(
      503,
      'FOYER_UNAVAILABLE',
      { 'cache-control': 'no-store', 'retry-after': '5', 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify(body),
    );
  }
}

/** Refusals that say something is wrong (a misconfigured gate, an ended session), as opposed to no token yet or an expired one. */
const UNUSUAL: ReadonlySet<RefusalReason> = new Set(['INVALID', 'EXITED', 'EVENT_NOT_FOUND']);
/** How long the loop guard remembers a refusal: longer than a trip through the waiting room and back. */
const LOOP_GUARD_SEC = 60;

function setCookies(cookies: string[]): Record<string, string[]> {
  return cookies.length > 0 ? { 'set-cookie': cookies } : {};
}

function warnOfRefusal(refusal: GateRefusal): void {
  console.warn(
    `Foyer gate (${refusal.eventId}): refused ${refusal.url}: ${refusal.reason}, ${REFUSALS[refusal.reason]}` +
      (refusal.loopStopped ? '; not sending the visitor to the waiting room again (loop guard)' : ''),
  );
}

/** The page a visitor sees when the loop guard stops a second trip to the waiting room. */
function refusalPage(reason: RefusalReason, waitingRoomUrl: string): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Admission refused</title>' +
    `<h1>Admission refused</h1><p>This site could not accept your admission (${escape(reason)}: ${escape(REFUSALS[reason])}).</p>` +
    `<p>Please tell the site's support. You can <a href="${escape(waitingRoomUrl)}">go back to the waiting room</a>.</p></html>`
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const REFUSALS: Record<RefusalReason, string> = {
  MISSING: 'this page is behind the waiting room: enter it first',
  INVALID: 'the admission token is not valid for this event',
  EXPIRED: 'the admission has expired',
  EXITED: 'the admission has ended',
  EVENT_NOT_FOUND: 'the event no longer exists',
};

function answer(
  statusCode: 303 | 403 | 503,
  outcome: Extract<GateDecision, { action: 'answer' }>['outcome'],
  headers: Record<string, string | string[]>,
  body = '',
): GateDecision {
  return { action: 'answer', statusCode, headers, body, outcome };
}

/** A page navigation, which a browser can follow to the waiting room; an API call gets JSON. */
function wantsPage(request: GateRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const accept = request.headers.accept;
  const text = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return /\btext\/html\b/i.test(text);
}

/** `iat` and `jti` of a token Foyer vouched for online; its signature is Foyer's word, not ours. */
function readClaims(token: string): { issuedAt: Date; sessionId: string } | null {
  try {
    const { iat, jti } = decodeJwt(token);
    if (typeof iat !== 'number' || typeof jti !== 'string') return null;
    return { issuedAt: new Date(iat * 1000), sessionId: jti };
  } catch {
    return null;
  }
}
