import { estimateWait, pollAfterMs, successUrlWithToken, type EventRecord, type PlaceState, type QueueState } from '@foyer/domain';

/**
 * What the visitor is told (API.md's QueueState) about where a place stands, with the credentials
 * the use case issued for the answer: `ticket` for WAIT and ENTER, `successToken` for ENTER (`null`
 * where the status has none). A pure function: it signs nothing and writes nothing.
 *
 * The answers are built field by field (no spreads, no object for the tokens): this runs on every
 * poll. An absent `message` is `undefined`, which no serialiser writes.
 */
export function toQueueState(event: EventRecord, state: PlaceState, ticket: string | null, successToken: string | null): QueueState {
  const message = event.message || undefined;
  switch (state.status) {
    case 'WAIT':
      return {
        id: state.place.id,
        eventId: event.eventId,
        eventStatus: event.status,
        message,
        status: 'WAIT',
        ticket: issued(ticket, 'WAIT', 'ticket'),
        expectedInfo: estimateWait(event, state.rank, state.measuredRate),
        pollAfterMs: pollAfterMs(state.rank, event),
      };
    case 'ENTER': {
      const token = issued(successToken, 'ENTER', 'successToken');
      return {
        id: state.place.id,
        eventId: event.eventId,
        eventStatus: event.status,
        message,
        status: 'ENTER',
        ticket: issued(ticket, 'ENTER', 'ticket'),
        successToken: token,
        expiresAt: new Date(state.session.expiresAt).toISOString(),
        successUrl: event.successUrl ? successUrlWithToken(event.successUrl, token) : undefined,
      };
    }
    case 'BLOCK':
      return {
        id: state.place.id,
        eventId: event.eventId,
        eventStatus: event.status,
        message,
        status: 'BLOCK',
        reason: 'REENTRY_BLOCKED',
      };
    case 'EXPIRED':
      return {
        id: state.place.id,
        eventId: event.eventId,
        eventStatus: event.status,
        message,
        status: 'EXPIRED',
        reason: state.reason,
      };
  }
}

/** A WAIT or ENTER answer without its credential is a bug of the caller, never an answer to send. */
function issued(token: string | null, status: 'WAIT' | 'ENTER', what: string): string {
  if (token === null) throw new Error(`a ${status} answer needs its ${what}`);
  return token;
}
