import { randomBytes } from 'node:crypto';
import {
  eventNotFound,
  FoyerError,
  refusesEntry,
  validationFailed,
  type EventLookup,
  type EnterKey,
  type EnterOptions,
  type EventRecord,
  type QueueOperations,
  type QueueState,
} from '@foyer/domain';
import { enterKeyOf } from './enter-key.js';
import { PlaceAnswers } from '../place/place-answers.js';
import { invalidTicket, PlaceLookup } from '../place/place-lookup.js';
import { SessionTokens } from '../place/session-tokens.js';
import type { QueueMetrics } from '../ports/queue-metrics.js';
import type { QueueSettingsSync } from '../ports/queue-settings-sync.js';
import type { IdTokens, SuccessTokenSigner, Tickets } from '../ports/visitor-tokens.js';

export interface EnterRequest {
  eventId: string;
  id?: string;
  idToken?: string;
  /** The credential of `authorization: Bearer`, when the visitor resumes a place. */
  ticket: string | null;
  /** The `Idempotency-Key` header (checked already): a retry with it answers the place the first try took. */
  idempotencyKey?: string;
}

/** A server-made id when the visitor sends none: 128 random bits. */
export const randomUserId = (): string => randomBytes(16).toString('base64url');

/** `POST /v1/queue/enter`: take a place in the line, or resume one with its ticket. */
export class EnterQueue {
  private readonly places: PlaceLookup;
  private readonly answers: PlaceAnswers;

  constructor(
    private readonly store: Pick<QueueOperations, 'enter' | 'poll' | 'saveSuccessToken'>,
    events: EventLookup,
    private readonly settings: Pick<QueueSettingsSync, 'restore'>,
    tickets: Tickets,
    private readonly idTokens: IdTokens,
    successTokens: SuccessTokenSigner,
    private readonly metrics: Pick<QueueMetrics, 'enters' | 'polls' | 'admissions'>,
    private readonly newUserId: () => string = randomUserId,
  ) {
    this.places = new PlaceLookup(store, events, settings, tickets, metrics.polls);
    this.answers = new PlaceAnswers(tickets, new SessionTokens(store, successTokens));
  }

  async execute(request: EnterRequest): Promise<QueueState> {
    if (request.id !== undefined && request.idToken !== undefined) {
      throw validationFailed([{ field: 'idToken', message: 'send either id or idToken, not both' }]);
    }
    const key = request.idempotencyKey === undefined ? undefined : enterKeyOf(request.idempotencyKey);
    // A ticket is checked before anything else is looked at.
    const resumed = request.ticket !== null ? this.places.readTicket(request.ticket, request.eventId) : null;
    const event = await this.places.requireEvent(request.eventId);

    if (resumed) {
      if (request.id !== undefined && request.id !== resumed.id) throw invalidTicket();
      if (request.idToken !== undefined) {
        const sub = await this.idTokens.verify(request.idToken, request.eventId);
        if (sub !== resumed.id) throw invalidTicket();
      }
      const state = await this.places.current(event, resumed);
      // A lapsed place may enter again, and starts at the back; anything else is the current state.
      if (state.status !== 'EXPIRED' || refusesEntry(event.status)) {
        return this.answers.answer(event, state, this.metrics.enters, request.ticket);
      }
      return this.place(event, resumed.id, { key });
    }

    const id = await this.identify(event, request, key);
    // On a SIGNED event a valid idToken proves who this is: what the id holds is answered, not refused.
    const answerHeld = event.idPolicy === 'SIGNED' && request.idToken !== undefined;
    return this.place(event, id, { key, answerHeld });
  }

  /** The id a new place is taken under, by the event's id policy. */
  private async identify(event: EventRecord, request: EnterRequest, key: EnterKey | undefined): Promise<string> {
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
    // With a key, the server-made id is the key's, so a retry names the same id.
    return request.id ?? key?.serverId ?? this.newUserId();
  }

  private async place(event: EventRecord, id: string, options: EnterOptions): Promise<QueueState> {
    let result = await this.store.enter(event.eventId, id, options);
    if (result.outcome === 'NO_EVENT' && (await this.settings.restore(event.eventId))) {
      result = await this.store.enter(event.eventId, id, options);
    }
    switch (result.outcome) {
      case 'PLACED':
        if (result.state.status === 'ENTER') this.metrics.admissions.inc({ event: event.eventId, via: 'enter' });
        return this.answers.answer(event, result.state, this.metrics.enters);
      case 'HELD':
        // No new place: the one this key took (or the proven id holds), as it stands now.
        return this.answers.answer(event, result.state, this.metrics.enters);
      case 'KEY_REUSED':
        this.metrics.enters.inc({ event: event.eventId, outcome: 'IDEMPOTENCY_KEY_REUSED' });
        throw new FoyerError(
          'IDEMPOTENCY_KEY_REUSED',
          `this Idempotency-Key took a place in '${event.eventId}' for another id or body; send a fresh key for a new enter`,
        );
      case 'BLOCKED':
        return this.answers.answer(event, { status: 'BLOCK', place: { eventId: event.eventId, id, seq: 0, epoch: '' } }, this.metrics.enters);
      case 'ALREADY_QUEUED':
        this.metrics.enters.inc({ event: event.eventId, outcome: 'ALREADY_QUEUED' });
        throw new FoyerError('ALREADY_QUEUED', `id '${id}' already holds a place or a session in '${event.eventId}'; resume it with its ticket`);
      case 'NOT_OPEN':
        throw new FoyerError('EVENT_NOT_OPEN', `event '${event.eventId}' is ${result.status} and takes no new places`);
      case 'NO_EVENT':
        throw eventNotFound(event.eventId);
    }
  }
}
