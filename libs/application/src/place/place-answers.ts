import type { EventRecord, PlaceState, QueueState } from '@foyer/domain';
import type { Counter } from '../ports/queue-metrics.js';
import type { Tickets } from '../ports/visitor-tokens.js';
import { toQueueState } from './queue-state.mapper.js';
import type { SessionTokens } from './session-tokens.js';

type AdmittedPlace = Extract<PlaceState, { status: 'ENTER' }>;

/**
 * The answer to an enter, resume or poll: issues what the place's state calls for (a ticket unless
 * the visitor sent one, the session's successToken), counts it, and maps it to a QueueState.
 */
export class PlaceAnswers {
  constructor(
    private readonly tickets: Pick<Tickets, 'issue'>,
    private readonly sessionTokens: SessionTokens,
  ) {}

  /**
   * `presentedTicket`: the ticket the request came with (already verified for `state.place`), sent
   * back as it is; a ticket is a pure function of the place, so minting it again on every poll
   * would cost an HMAC for the same string. Only an ENTER that still needs its token is a promise.
   */
  answer(
    event: EventRecord,
    state: PlaceState,
    counter: Counter<'event' | 'outcome'>,
    presentedTicket: string | null = null,
  ): QueueState | Promise<QueueState> {
    counter.inc({ event: event.eventId, outcome: state.status });
    switch (state.status) {
      case 'WAIT':
        return toQueueState(event, state, presentedTicket ?? this.tickets.issue(state.place), null);
      case 'ENTER':
        if (state.session.successToken) {
          return toQueueState(event, state, presentedTicket ?? this.tickets.issue(state.place), state.session.successToken);
        }
        return this.admitted(event, state, presentedTicket);
      default:
        return toQueueState(event, state, null, null);
    }
  }

  private async admitted(event: EventRecord, state: AdmittedPlace, presentedTicket: string | null): Promise<QueueState> {
    const successToken = await this.sessionTokens.tokenFor(state.place, state.session);
    if (successToken === null) {
      // The session ended between the read and the token's save: say so, as the next poll would.
      return toQueueState(event, { status: 'EXPIRED', place: state.place, reason: 'SESSION_ENDED' }, null, null);
    }
    return toQueueState(event, state, presentedTicket ?? this.tickets.issue(state.place), successToken);
  }
}
