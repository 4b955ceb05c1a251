import { eventNotFound, FoyerError, type EventLookup, type QueueOperations } from '@foyer/domain';
import type { QueueMetrics } from '../ports/queue-metrics.js';
import type { SuccessTokenChecker } from '../ports/visitor-tokens.js';
import { placeOf } from '../verify/verify-session.js';

export interface ExitAnswer {
  eventId: string;
  id: string;
  status: 'EXITED' | 'ALREADY_EXITED' | 'EXPIRED';
}

/** `POST /v1/active/exit`: the visitor is done; the slot goes to the next waiter in the same step. */
export class ExitSession {
  constructor(
    private readonly store: Pick<QueueOperations, 'exit'>,
    private readonly events: EventLookup,
    private readonly successTokens: SuccessTokenChecker,
    private readonly metrics: Pick<QueueMetrics, 'exits' | 'admissions'>,
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
}
