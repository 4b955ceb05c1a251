import { FoyerError, type EventLookup, type QueueOperations, type QueueState } from '@foyer/domain';
import { PlaceAnswers } from '../place/place-answers.js';
import { PlaceLookup } from '../place/place-lookup.js';
import { SessionTokens } from '../place/session-tokens.js';
import type { QueueMetrics } from '../ports/queue-metrics.js';
import type { QueueSettingsSync } from '../ports/queue-settings-sync.js';
import type { SuccessTokenSigner, Tickets } from '../ports/visitor-tokens.js';

/**
 * `GET /v1/queue/status`: where the ticket's place stands, a heartbeat while it waits. The hottest
 * path there is: no await, store call or allocation here that the answer does not need.
 */
export class PollPlace {
  private readonly places: PlaceLookup;
  private readonly answers: PlaceAnswers;

  constructor(
    store: Pick<QueueOperations, 'poll' | 'saveSuccessToken'>,
    events: EventLookup,
    settings: Pick<QueueSettingsSync, 'restore'>,
    tickets: Tickets,
    successTokens: SuccessTokenSigner,
    private readonly metrics: Pick<QueueMetrics, 'polls'>,
  ) {
    this.places = new PlaceLookup(store, events, settings, tickets, metrics.polls);
    this.answers = new PlaceAnswers(tickets, new SessionTokens(store, successTokens));
  }

  /** `ticket`: the credential of `authorization: Bearer`, `null` without one. */
  async execute(ticket: string | null): Promise<QueueState> {
    if (ticket === null) throw new FoyerError('INVALID_TICKET', 'send the ticket as authorization: Bearer <ticket>');
    const place = this.places.readTicket(ticket, null);
    const event = await this.places.requireEvent(place.eventId);
    return this.answers.answer(event, await this.places.current(event, place), this.metrics.polls, ticket);
  }
}
