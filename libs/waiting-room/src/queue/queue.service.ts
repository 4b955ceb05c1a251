import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  eventNotFound,
  FoyerError,
  refusesEntry,
  retryAfterSeconds,
  validationFailed,
  type EventRecord,
  type Place,
  type PlaceState,
  type PollResult,
  type QueueState,
  type QueueStore,
} from '@foyer/domain';
import { FoyerMetrics, QUEUE_STORE } from '@foyer/platform';
import { IdTokenVerifier, TicketCodec } from '@foyer/tokens';
import { EventCatalog } from '../events/event-catalog.js';
import { QueueConfigSync } from '../events/queue-config-sync.js';
import { QueueStateMapper } from './queue-state.mapper.js';

export interface EnterRequest {
  eventId: string;
  id?: string;
  idToken?: string;
  /** The credential of `authorization: Bearer`, when the visitor resumes a place. */
  ticket: string | null;
}

/** Enter, resume and poll: the visitor's side of the waiting room. */
@Injectable()
export class QueueService {
  constructor(
    @Inject(QUEUE_STORE) private readonly store: QueueStore,
    private readonly catalog: EventCatalog,
    private readonly configSync: QueueConfigSync,
    private readonly tickets: TicketCodec,
    private readonly idTokens: IdTokenVerifier,
    private readonly mapper: QueueStateMapper,
    private readonly metrics: FoyerMetrics,
  ) {}

  async enter(request: EnterRequest): Promise<QueueState> {
    if (request.id !== undefined && request.idToken !== undefined) {
      throw validationFailed([{ field: 'idToken', message: 'send either id or idToken, not both' }]);
    }
    // A ticket is checked before anything else is looked at.
    const resumed = request.ticket !== null ? this.readTicket(request.ticket, request.eventId) : null;
    const event = await this.requireEvent(request.eventId);

    if (resumed) {
      if (request.id !== undefined && request.id !== resumed.id) throw invalidTicket();
      if (request.idToken !== undefined) {
        const sub = await this.idTokens.verify(request.idToken, request.eventId);
        if (sub !== resumed.id) throw invalidTicket();
      }
      const state = await this.pollPlace(event, resumed);
      // A lapsed place may enter again, and starts at the back; anything else is the current state.
      if (state.status !== 'EXPIRED' || refusesEntry(event.status)) {
        return this.answer(event, state, this.metrics.enters, request.ticket);
      }
      return this.place(event, resumed.id);
    }

    return this.place(event, await this.identify(event, request));
  }

  async status(ticket: string | null): Promise<QueueState> {
    if (ticket === null) throw new FoyerError('INVALID_TICKET', 'send the ticket as authorization: Bearer <ticket>');
    const place = this.readTicket(ticket, null);
    const event = await this.requireEvent(place.eventId);
    return this.answer(event, await this.pollPlace(event, place), this.metrics.polls, ticket);
  }

  /** The id a new place is taken under, by the event's id policy. */
  private async identify(event: EventRecord, request: EnterRequest): Promise<string> {
    if (request.idToken !== undefined) {
      const sub = await this.idTokens.verify(request.idToken, event.eventId);
      if (sub === null) {
        throw new FoyerError('INVALID_ID_TOKEN', 'the idToken is invalid, expired or made for another event');
      }
      return sub;
    }
    if (event.idPolicy === 'SIGNED') {
      throw new FoyerError('ID_TOKEN_REQUIRED', `event '${event.eventId}' takes ids only inside an idToken`);
    }
    return request.id ?? randomBytes(16).toString('base64url');
  }

  private async place(event: EventRecord, id: string): Promise<QueueState> {
    let result = await this.store.enter(event.eventId, id);
    if (result.outcome === 'NO_EVENT' && (await this.configSync.restore(event.eventId))) {
      result = await this.store.enter(event.eventId, id);
    }
    switch (result.outcome) {
      case 'PLACED':
        if (result.state.status === 'ENTER') this.metrics.admissions.inc({ event: event.eventId, via: 'enter' });
        return this.answer(event, result.state, this.metrics.enters);
      case 'BLOCKED':
        return this.answer(event, { status: 'BLOCK', place: { eventId: event.eventId, id, seq: 0, epoch: '' } }, this.metrics.enters);
      case 'ALREADY_QUEUED':
        this.metrics.enters.inc({ event: event.eventId, outcome: 'ALREADY_QUEUED' });
        throw new FoyerError(
          'ALREADY_QUEUED',
          `id '${id}' already holds a place or a session in '${event.eventId}'; resume it with its ticket`,
        );
      case 'NOT_OPEN':
        throw new FoyerError('EVENT_NOT_OPEN', `event '${event.eventId}' is ${result.status} and takes no new places`);
      case 'NO_EVENT':
        throw eventNotFound(event.eventId);
    }
  }

  private async pollPlace(event: EventRecord, place: Place): Promise<PlaceState> {
    let result: PollResult = await this.store.poll(place);
    if (result.outcome === 'NO_EVENT' && (await this.configSync.restore(event.eventId))) {
      result = await this.store.poll(place);
    }
    switch (result.outcome) {
      case 'STATE':
        return result.state;
      case 'TOO_FREQUENT':
        this.metrics.polls.inc({ event: event.eventId, outcome: 'POLL_TOO_FREQUENT' });
        throw new FoyerError('POLL_TOO_FREQUENT', 'polled sooner than the event allows; wait for retry-after', {
          retryAfterSeconds: retryAfterSeconds(result.retryAfterMs),
        });
      case 'NO_EVENT':
        throw eventNotFound(event.eventId);
    }
  }

  /** `ticket`: the one the request came with, answered back as it is (its place did not change). */
  private answer(
    event: EventRecord,
    state: PlaceState,
    counter: FoyerMetrics['enters'],
    ticket: string | null = null,
  ): QueueState | Promise<QueueState> {
    counter.inc({ event: event.eventId, outcome: state.status });
    return this.mapper.toQueueState(event, state, ticket);
  }

  private async requireEvent(eventId: string): Promise<EventRecord> {
    const event = await this.catalog.get(eventId);
    if (!event) throw eventNotFound(eventId);
    return event;
  }

  /** A ticket that is malformed, forged, or for another event is refused outright. */
  private readTicket(ticket: string, eventId: string | null): Place {
    const place = this.tickets.read(ticket);
    if (!place || (eventId !== null && place.eventId !== eventId)) throw invalidTicket();
    return place;
  }
}

function invalidTicket(): FoyerError {
  return new FoyerError('INVALID_TICKET', 'the ticket is missing, malformed, forged, or for another event or id');
}
