import { eventNotFound, FoyerError, type EventLookup, type ExitResult, type QueueOperations, type QueueRebuild } from '@foyer/domain';
import type { QueueMetrics } from '../ports/queue-metrics.js';
import type { QueueSettingsSync } from '../ports/queue-settings-sync.js';
import type { CheckedSessionClaims, SuccessTokenChecker } from '../ports/visitor-tokens.js';
import { placeOf, reregister } from '../verify/verify-session.js';

export interface ExitAnswer {
  eventId: string;
  id: string;
  status: 'EXITED' | 'ALREADY_EXITED' | 'EXPIRED';
}

/** `POST /v1/active/exit`: the visitor is done; the slot goes to the next waiter in the same step. */
export class ExitSession {
  constructor(
    private readonly store: Pick<QueueOperations, 'exit'> & Pick<QueueRebuild, 'reregisterSession'>,
    private readonly events: EventLookup,
    private readonly successTokens: SuccessTokenChecker,
    private readonly metrics: Pick<QueueMetrics, 'exits' | 'admissions'>,
    private readonly settings: Pick<QueueSettingsSync, 'restore'>,
  ) {}

  /** Idempotent. The signature is checked first, then the event, then the expiry. */
  async execute(successToken: string): Promise<ExitAnswer> {
    const checked = await this.successTokens.verify(successToken);
    if (!checked.ok) throw new FoyerError('INVALID_TOKEN', 'the successToken is malformed or its signature is not ours');
    const { claims } = checked;
    if (!(await this.events.get(claims.eventId))) throw eventNotFound(claims.eventId);
    const answer = (status: ExitAnswer['status']): ExitAnswer => {
      this.metrics.exits.inc({ event: claims.eventId, outcome: status });
      return { eventId: claims.eventId, id: claims.id, status };
    };
    // Expiry by the store's clock, as for verify (the token's `exp` is rounded down).
    const result = await this.exitRestoring(claims);
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

  /** As verify does: the event rebuilt when the store lost it, and a lost session the token proves registered again, then exited. */
  private async exitRestoring(claims: CheckedSessionClaims): Promise<ExitResult> {
    const place = placeOf(claims);
    let result = await this.store.exit(place);
    if (result.outcome === 'NO_EVENT' && (await this.settings.restore(claims.eventId))) result = await this.store.exit(place);
    if (result.outcome === 'EXPIRED' && (await reregister(this.store, claims))) result = await this.store.exit(place);
    return result;
  }
}
