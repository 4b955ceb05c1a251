import { errors, jwtVerify } from 'jose';
import { isUserId, systemClock, type Clock } from '@foyer/domain';
import { isCanonicalCompactJws } from './canonical-jws.js';

const MAX_TOKEN_LENGTH = 4096;

/**
 * Checks an `idToken` minted by the customer's backend (HS256, key = UTF-8 bytes of
 * `ENTRY_TOKEN_SECRET`): the proof that the visitor may use the id in `sub` for event `evt`.
 */
export class IdTokenVerifier {
  private readonly key: Uint8Array | null;

  constructor(
    secret: string | null,
    private readonly clock: Clock = systemClock,
  ) {
    this.key = secret ? new TextEncoder().encode(secret) : null;
  }

  /** Whether `ENTRY_TOKEN_SECRET` is set: `SIGNED` events need it. */
  get configured(): boolean {
    return this.key !== null;
  }

  /** The id the token vouches for on `eventId`, or `null` when it vouches for nothing there. */
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
    const { sub, evt } = payload;
    if (evt !== eventId || !isUserId(sub)) return null;
    return sub;
  }
}
