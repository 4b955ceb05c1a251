import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  EVENT_DEFAULTS,
  eventNotFound,
  eventSettingsProblems,
  FoyerError,
  validationFailed,
  type EventRecord,
  type EventRepository,
  type EventSeries,
  type EventSettings,
  type JournalBacklog,
  type QueueOperations,
  type QueueOutbox,
  type QueueStats,
  type WritableEventFields,
} from '@foyer/domain';
import { CallbackUrlPolicy } from '@foyer/callbacks';
import { EVENT_REPOSITORY, EVENT_SERIES, QUEUE_OPERATIONS, QUEUE_OUTBOX } from '@foyer/platform';
import { IdTokenVerifier } from '@foyer/tokens';
import { JournalForwarder } from '../journal/journal-forwarder.js';
import type { CreateEventDto, UpdateEventDto } from './event.dto.js';
import { EventCatalog } from './event-catalog.js';
import { QueueConfigSync } from './queue-config-sync.js';

/** Admins' events: the database row first (with its journal entry), then the store's cached copy. */
@Injectable()
export class EventsService {
  private readonly logger = new Logger('Events');

  constructor(
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    @Inject(QUEUE_OPERATIONS) private readonly store: QueueOperations,
    @Inject(QUEUE_OUTBOX) private readonly outbox: QueueOutbox,
    @Inject(EVENT_SERIES) private readonly series: EventSeries,
    private readonly catalog: EventCatalog,
    private readonly configSync: QueueConfigSync,
    private readonly forwarder: JournalForwarder,
    private readonly idTokens: IdTokenVerifier,
    // The callbacks module's policy: one DNS cache and one CALLBACK_ALLOW_PRIVATE reading for both.
    private readonly callbackUrls: CallbackUrlPolicy,
  ) {}

  async create(dto: CreateEventDto): Promise<EventRecord> {
    const given = fieldsGiven(dto);
    const settings: EventSettings = { ...EVENT_DEFAULTS, ...given, message: given.message || null };
    this.checkConsistent(settings);
    await this.checkCallbackUrl(settings.callbackUrl);
    const created = await this.events.create(settings);
    if (!created) throw new FoyerError('EVENT_EXISTS', `event '${dto.eventId}' exists already`);
    await this.publish(created);
    return created;
  }

  list(): Promise<EventRecord[]> {
    return this.events.list();
  }

  async get(eventId: string): Promise<EventRecord & { stats: QueueStats; journal: JournalBacklog }> {
    const event = await this.events.get(eventId);
    if (!event) throw eventNotFound(eventId);
    const [stats, journal] = await Promise.all([this.store.stats(eventId), this.outbox.journalBacklog(eventId)]);
    return { ...event, stats, journal };
  }

  async update(eventId: string, dto: UpdateEventDto): Promise<EventRecord> {
    const current = await this.events.get(eventId);
    if (!current) throw eventNotFound(eventId);
    const changes: Partial<WritableEventFields> = fieldsGiven(dto);
    if ('message' in changes) changes.message = changes.message || null;
    this.checkConsistent({ ...current, ...changes });
    if (changes.callbackUrl !== undefined) await this.checkCallbackUrl(changes.callbackUrl);
    const updated = await this.events.update(eventId, changes);
    if (!updated) throw eventNotFound(eventId);
    await this.publish(updated);
    return updated;
  }

  /**
   * The store's copy goes first, so no queue change can happen after it; the queue's remaining
   * journal entries are forwarded before the row (and its `event.deleted`) goes.
   */
  async delete(eventId: string): Promise<void> {
    if (!(await this.events.get(eventId))) throw eventNotFound(eventId);
    await this.store.dropEvent(eventId);
    await this.forwarder.flush(eventId);
    await this.events.delete(eventId);
    await this.series.drop(eventId);
    this.catalog.remember(eventId, null);
    await this.outbox.dropJournal(eventId);
  }

  /** Lifecycle notifications go to the callbackUrl: the same forbidden targets as any callback. */
  private async checkCallbackUrl(callbackUrl: string | null): Promise<void> {
    if (callbackUrl) await this.callbackUrls.check(callbackUrl);
  }

  private checkConsistent(settings: Pick<EventSettings, 'waitTimeoutSec' | 'minPollIntervalMs' | 'idPolicy'>): void {
    const problems = eventSettingsProblems(settings, { entryTokensConfigured: this.idTokens.configured });
    if (problems.length > 0) throw validationFailed(problems);
  }

  /** The row is committed; a store that does not answer now is brought up to date by the next tick. */
  private async publish(event: EventRecord): Promise<void> {
    this.catalog.remember(event.eventId, event);
    try {
      await this.configSync.write(event);
    } catch (err) {
      this.logger.warn(`event '${event.eventId}' saved; the queue store gets it on the next tick: ${(err as Error).message}`);
    }
  }
}

/**
 * The fields the request actually sent. A validated DTO instance has every declared field as an
 * own property, `undefined` when omitted; spread over the defaults or the current row, those would
 * erase them (and hide them from the cross-field checks).
 */
function fieldsGiven<T extends object>(dto: T): T {
  return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as T;
}
