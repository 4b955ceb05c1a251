import { errors, jwtVerify } from 'jose';
import { FoyerError, isUserId, systemClock, type Clock } from '@foyer/domain';
import { isCanonicalCompactJws } from './canonical-jws.js';

const MAX_TOKEN_LENGTH = 4096;
/** ENTRY_TOKEN_MAX_TTL_SEC's default: a day. */
export const DEFAULT_ID_TOKEN_MAX_TTL_SEC = 86_400;

/**
 * Checks an `idToken` minted by the customer's backend (HS256, key = UTF-8 bytes of
 * `ENTRY_TOKEN_SECRET`): the proof that the visitor may use the id in `sub` for event `evt`.
 */
export class IdTokenVerifier {
  private readonly key: Uint8Array | null;

  constructor(
    secret: string | null,
    private readonly clock: Clock = systemClock,
    /**
     * The furthest ahead an `exp` may lie. A token that lives for years is a password for the id
     * that never changes: once leaked, it takes or burns that place in every later sale.
     */
    private readonly maxTtlSec: number = DEFAULT_ID_TOKEN_MAX_TTL_SEC,
  ) {
    this.key = secret ? new TextEncoder().encode(secret) : null;
  }

  /** Whether `ENTRY_TOKEN_SECRET` is set: `SIGNED` events need it. */
  get configured(): boolean {
    return this.key !== null;
  }

  /**
   * The id the token vouches for on `eventId`, or `null` when it vouches for nothing there. A
   * genuine token whose `exp` lies too far ahead is refused with its own message (INVALID_ID_TOKEN),
   * so the backend that minted it learns what to change.
   */
  async verify(token: string, eventId: string): Promise<string | null> {
    if (!this.key || typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !isCanonicalCompactJws(token)) {
      return null;
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'evt', 'exp'],
        currentDate: new Date(this.clock.now()),
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
    const { sub, evt, exp } = payload;
    if (evt !== eventId || !isUserId(sub)) return null;
    if (typeof exp !== 'number' || exp - this.clock.now() / 1000 > this.maxTtlSec) {
      throw new FoyerError(
        'INVALID_ID_TOKEN',
        `the idToken's exp is more than ${this.maxTtlSec} s ahead (ENTRY_TOKEN_MAX_TTL_SEC): mint idTokens that expire sooner`,
      );
    }
    return sub;
  }
}
