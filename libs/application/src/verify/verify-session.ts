import type { EventLookup, Place, QueueOperations } from '@foyer/domain';
import type { SessionClaims, SuccessTokenChecker } from '../ports/visitor-tokens.js';

export type VerifyAnswer =
  { valid: true; eventId: string; id: string; expiresAt: string } | { valid: false; reason: 'INVALID' | 'EXPIRED' | 'EXITED' | 'EVENT_NOT_FOUND' };

/** `POST /v1/active/verify`: whether an admitted visitor's session is active now (sees exits). */
export class VerifySession {
  constructor(
    private readonly store: Pick<QueueOperations, 'verify'>,
    private readonly events: EventLookup,
    private readonly successTokens: SuccessTokenChecker,
  ) {}

  async execute(successToken: string): Promise<VerifyAnswer> {
    const checked = await this.successTokens.verify(successToken);
    if (!checked.ok) return { valid: false, reason: 'INVALID' };
    const { claims } = checked;
    if (!(await this.events.get(claims.eventId))) return { valid: false, reason: 'EVENT_NOT_FOUND' };
    // Expiry is the store's to decide, by its clock and the session's expiresAt in ms: the token's
    // `exp` is rounded down to the second, so it lapses up to a second before the session does.
    const result = await this.store.verify(placeOf(claims));
    if (!result.valid) return { valid: false, reason: result.reason };
    return { valid: true, eventId: claims.eventId, id: claims.id, expiresAt: new Date(result.expiresAt).toISOString() };
  }
}

/** The place a successToken's session was admitted from. */
export function placeOf(claims: SessionClaims): Place {
  return { eventId: claims.eventId, id: claims.id, seq: claims.seq, epoch: claims.epoch };
}
