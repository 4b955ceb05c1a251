import type { JWK } from 'jose';
import { Inject, Injectable } from '@nestjs/common';
import { eventNotFound, FoyerError, type Place, type QueueStore } from '@foyer/domain';
import { FoyerMetrics, QUEUE_STORE } from '@foyer/platform';
import { SuccessTokens, type SuccessTokenClaims } from '@foyer/tokens';
import { EventCatalog } from '../events/event-catalog.js';

export type VerifyAnswer =
  | { valid: true; eventId: string; id: string; expiresAt: string }
  | { valid: false; reason: 'INVALID' | 'EXPIRED' | 'EXITED' | 'EVENT_NOT_FOUND' };

export interface ExitAnswer {
  eventId: string;
  id: string;
  status: 'EXITED' | 'ALREADY_EXITED' | 'EXPIRED';
}

/** The customer backend's side: check an admitted user's token online, and end the session. */
@Injectable()
export class ActiveService {
  constructor(
    @Inject(QUEUE_STORE) private readonly store: QueueStore,
    private readonly successTokens: SuccessTokens,
    private readonly catalog: EventCatalog,
    private readonly metrics: FoyerMetrics,
  ) {}

  async verify(successToken: string): Promise<VerifyAnswer> {
    const checked = await this.successTokens.verify(successToken);
    if (!checked.ok) return { valid: false, reason: 'INVALID' };
    const { claims } = checked;
    if (!(await this.catalog.get(claims.eventId))) return { valid: false, reason: 'EVENT_NOT_FOUND' };
    // Expiry is the store's to decide, by its clock and the session's expiresAt in ms: the token's
    // `exp` is rounded down to the second, so it lapses up to a second before the session does.
    const result = await this.store.verify(placeOf(claims));
    if (!result.valid) return { valid: false, reason: result.reason };
    return { valid: true, eventId: claims.eventId, id: claims.id, expiresAt: new Date(result.expiresAt).toISOString() };
  }

  /** Idempotent. The signature is checked first, then the event, then the expiry. */
  async exit(successToken: string): Promise<ExitAnswer> {
    const checked = await this.successTokens.verify(successToken);
    if (!checked.ok) throw new FoyerError('INVALID_TOKEN', 'the successToken is malformed or its signature is not ours');
    const { claims } = checked;
    if (!(await this.catalog.get(claims.eventId))) throw eventNotFound(claims.eventId);
    const answer = (status: ExitAnswer['status']): ExitAnswer => {
      this.metrics.exits.inc({ event: claims.eventId, outcome: status });
      return { eventId: claims.eventId, id: claims.id, status };
    };
    // Expiry by the store's clock, as for verify (the token's `exp` is rounded down).
    const result = await this.store.exit(placeOf(claims));
    switch (result.outcome) {
      case 'EXITED':
        if (result.admitted > 0) this.metrics.admissions.inc({ event: claims.eventId, via: 'exit' }, result.admitted);
        return answer('EXITED');
      case 'ALREADY_EXITED':
        return answer('ALREADY_EXITED');
      case 'EXPIRED':
        return answer('EXPIRED');
      case 'NO_EVENT':
        throw eventNotFound(claims.eventId);
    }
  }

  jwks(): { keys: JWK[] } {
    return this.successTokens.jwks();
  }
}

function placeOf(claims: SuccessTokenClaims): Place {
  return { eventId: claims.eventId, id: claims.id, seq: claims.seq, epoch: claims.epoch };
}
