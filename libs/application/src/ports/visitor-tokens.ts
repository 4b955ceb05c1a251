import type { Place } from '@foyer/domain';

/**
 * The credentials the use cases issue and check, as ports: @foyer/tokens implements them
 * (`TicketCodec`, `IdTokenVerifier`, `SuccessTokens`), and no use case needs to know how.
 */

/** The visitor's ticket: names a place, checked on every poll. */
export interface Tickets {
  issue(place: Place): string;
  /** The place the ticket names, `null` for anything not issued by us. */
  read(ticket: string): Place | null;
}

/** The customer's signed id (`idToken`): its subject when valid for the event, else `null`. */
export interface IdTokens {
  verify(idToken: string, eventId: string): Promise<string | null>;
}

/** The session a successToken names. */
export interface SessionClaims {
  eventId: string;
  id: string;
  seq: number;
  epoch: string;
}

/** What a successToken carries, times in ms. */
export interface SessionToSign extends SessionClaims {
  admittedAt: number;
  expiresAt: number;
}

/** Signs and checks the successToken, the admitted visitor's credential for the customer's backend. */
export interface SuccessTokenSigner {
  sign(session: SessionToSign): Promise<string>;
}

/** A checked token's session, with its `iat` and `exp` in ms: enough to register the session again after a loss. */
export interface CheckedSessionClaims extends SessionClaims {
  issuedAt: number;
  expiresAt: number;
}

export interface SuccessTokenChecker {
  /** `ok: false` for a token that is malformed or not signed by us. Expiry is the store's to decide. */
  verify(successToken: string): Promise<{ ok: true; claims: CheckedSessionClaims } | { ok: false }>;
}
