import { Injectable } from '@nestjs/common';
import {
  expectedInfo,
  planningRate,
  pollAfterMs,
  successUrlWithToken,
  type EventRecord,
  type PlaceState,
  type QueueState,
} from '@foyer/domain';
import { TicketCodec } from '@foyer/tokens';
import { SessionTokens } from '../active/session-tokens.js';

/** Turns where a place stands in the store into what the visitor is told (API.md's QueueState). */
@Injectable()
export class QueueStateMapper {
  constructor(
    private readonly tickets: TicketCodec,
    private readonly sessionTokens: SessionTokens,
  ) {}

  /**
   * `presentedTicket`: the ticket the request came with (already verified for `state.place`), sent
   * back as it is; a ticket is a pure function of the place, so minting it again on every poll
   * would cost an HMAC for the same string.
   *
   * The answers are built field by field (no spreads): this runs on every poll. An absent
   * `message` is `undefined`, which no serialiser writes.
   */
  toQueueState(event: EventRecord, state: PlaceState, presentedTicket: string | null = null): QueueState | Promise<QueueState> {
    const message = event.message || undefined;
    switch (state.status) {
      case 'WAIT':
        return {
          id: state.place.id,
          eventId: event.eventId,
          eventStatus: event.status,
          message,
          status: 'WAIT',
          ticket: presentedTicket ?? this.tickets.issue(state.place),
          expectedInfo: expectedInfo(state.rank, planningRate(event, state.measuredRate)),
          pollAfterMs: pollAfterMs(state.rank, event),
        };
      case 'ENTER':
        return this.entered(event, state, presentedTicket);
      case 'BLOCK':
        return { id: state.place.id, eventId: event.eventId, eventStatus: event.status, message, status: 'BLOCK', reason: 'REENTRY_BLOCKED' };
      case 'EXPIRED':
        return { id: state.place.id, eventId: event.eventId, eventStatus: event.status, message, status: 'EXPIRED', reason: state.reason };
    }
  }

  private async entered(
    event: EventRecord,
    state: Extract<PlaceState, { status: 'ENTER' }>,
    presentedTicket: string | null,
  ): Promise<QueueState> {
    const base = { id: state.place.id, eventId: event.eventId, eventStatus: event.status, message: event.message || undefined };
    const successToken = await this.sessionTokens.tokenFor(state.place, state.session);
    if (successToken === null) {
      // The session ended between the read and the token's save: say so, as the next poll would.
      return { ...base, status: 'EXPIRED', reason: 'SESSION_ENDED' };
    }
    return {
      ...base,
      status: 'ENTER',
      ticket: presentedTicket ?? this.tickets.issue(state.place),
      successToken,
      expiresAt: new Date(state.session.expiresAt).toISOString(),
      successUrl: event.successUrl ? successUrlWithToken(event.successUrl, successToken) : undefined,
    };
  }
}
