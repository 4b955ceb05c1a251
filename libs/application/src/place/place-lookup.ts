import {
  eventNotFound,
  FoyerError,
  retryAfterSeconds,
  type EventLookup,
  type EventRecord,
  type Place,
  type PlaceState,
  type PollResult,
  type QueueOperations,
} from '@foyer/domain';
import type { Counter } from '../ports/queue-metrics.js';
import type { QueueSettingsSync } from '../ports/queue-settings-sync.js';
import type { Tickets } from '../ports/visitor-tokens.js';

/** What enter (resuming) and poll both do: read the ticket, the event, and where the place stands. */
export class PlaceLookup {
  constructor(
    private readonly store: Pick<QueueOperations, 'poll'>,
    private readonly events: EventLookup,
    private readonly settings: Pick<QueueSettingsSync, 'restore'>,
    private readonly tickets: Pick<Tickets, 'read'>,
    private readonly polls: Counter<'event' | 'outcome'>,
  ) {}

  /** A ticket that is malformed, forged, or for another event is refused outright. */
  readTicket(ticket: string, eventId: string | null): Place {
    const place = this.tickets.read(ticket);
    if (!place || (eventId !== null && place.eventId !== eventId)) throw invalidTicket();
    return place;
  }

  async requireEvent(eventId: string): Promise<EventRecord> {
    const event = await this.events.get(eventId);
    if (!event) throw eventNotFound(eventId);
    return event;
  }

  /** The place's state, a heartbeat while it waits; the store's lost settings are restored once. */
  async current(event: EventRecord, place: Place): Promise<PlaceState> {
    let result: PollResult = await this.store.poll(place);
    if (result.outcome === 'NO_EVENT' && (await this.settings.restore(event.eventId))) {
      result = await this.store.poll(place);
    }
    switch (result.outcome) {
      case 'STATE':
        return result.state;
      case 'TOO_FREQUENT':
        this.polls.inc({ event: event.eventId, outcome: 'POLL_TOO_FREQUENT' });
        throw new FoyerError('POLL_TOO_FREQUENT', 'polled sooner than the event allows; wait for retry-after', {
          retryAfterSeconds: retryAfterSeconds(result.retryAfterMs),
        });
      case 'NO_EVENT':
        throw eventNotFound(event.eventId);
    }
  }
}

export function invalidTicket(): FoyerError {
  return new FoyerError('INVALID_TICKET', 'the ticket is missing, malformed, forged, or for another event or id');
}
