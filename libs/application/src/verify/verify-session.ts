import type { EventLookup, Place, QueueOperations, QueueRebuild, VerifyResult } from '@foyer/domain';
import type { QueueSettingsSync } from '../ports/queue-settings-sync.js';
import type { CheckedSessionClaims, SessionClaims, SuccessTokenChecker } from '../ports/visitor-tokens.js';

export type VerifyAnswer =
  { valid: true; eventId: string; id: string; expiresAt: string } | { valid: false; reason: 'INVALID' | 'EXPIRED' | 'EXITED' | 'EVENT_NOT_FOUND' };

/** `POST /v1/active/verify`: whether an admitted visitor's session is active now (sees exits). */
export class VerifySession {
  constructor(
    private readonly store: Pick<QueueOperations, 'verify'> & Pick<QueueRebuild, 'reregisterSession'>,
    private readonly events: EventLookup,
    private readonly successTokens: SuccessTokenChecker,
    private readonly settings: Pick<QueueSettingsSync, 'restore'>,
  ) {}

  async execute(successToken: string): Promise<VerifyAnswer> {
    const checked = await this.successTokens.verify(successToken);
    if (!checked.ok) return { valid: false, reason: 'INVALID' };
    const { claims } = checked;
    if (!(await this.events.get(claims.eventId))) return { valid: false, reason: 'EVENT_NOT_FOUND' };
    // Expiry is the store's to decide, by its clock and the session's expiresAt in ms: the token's
    // `exp` is rounded down to the second, so it lapses up to a second before the session does.
    const result = await verifyRestoring(this.store, this.settings, claims);
    if (!result.valid) return { valid: false, reason: result.reason };
    return { valid: true, eventId: claims.eventId, id: claims.id, expiresAt: new Date(result.expiresAt).toISOString() };
  }
}

/** The place a successToken's session was admitted from. */
export function placeOf(claims: SessionClaims): Place {
  return { eventId: claims.eventId, id: claims.id, seq: claims.seq, epoch: claims.epoch };
}

/**
 * The store's verify, after the two things a lost store calls for: the event rebuilt from the
 * journal (`restore`, which may answer 503 QUEUE_REBUILDING), and a session the token proves but the
 * rebuild could not restore registered again (`reregisterSession` decides whether it may be).
 */
async function verifyRestoring(
  store: Pick<QueueOperations, 'verify'> & Pick<QueueRebuild, 'reregisterSession'>,
  settings: Pick<QueueSettingsSync, 'restore'>,
  claims: CheckedSessionClaims,
): Promise<VerifyResult> {
  const place = placeOf(claims);
  let result = await store.verify(place);
  if (!result.valid && result.reason === 'EVENT_NOT_FOUND' && (await settings.restore(claims.eventId))) result = await store.verify(place);
  if (!result.valid && result.reason === 'INVALID' && (await reregister(store, claims))) result = await store.verify(place);
  return result;
}

/** Registers the token's session again when the store lost it (see `QueueRebuild.reregisterSession`). */
export function reregister(store: Pick<QueueRebuild, 'reregisterSession'>, claims: CheckedSessionClaims): Promise<boolean> {
  return store.reregisterSession(placeOf(claims), claims.issuedAt, claims.expiresAt);
}
