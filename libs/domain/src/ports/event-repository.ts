import type { EventRecord, EventSettings, WritableEventFields } from '../event.js';

/**
 * Events live in the database, the source of truth for configuration. Each change writes its
 * journal entry (`event.created`, `event.updated`, `event.deleted`) in the same transaction.
 */
export interface EventRepository {
  /** `null` when an event with this id exists already. */
  create(settings: EventSettings): Promise<EventRecord | null>;
  list(): Promise<EventRecord[]>;
  get(eventId: string): Promise<EventRecord | null>;
  /** `null` when there is no such event. */
  update(eventId: string, changes: Partial<WritableEventFields>): Promise<EventRecord | null>;
  /** `false` when there was no such event. */
  delete(eventId: string): Promise<boolean>;
}

/**
 * An event as the hot paths read it: recently read events come from memory (about a second, one
 * scheduler tick), so a burst of requests for one event reads the database about once a second,
 * and only a first request waits for that read (an older copy is answered while it is renewed).
 */
export interface EventLookup {
  get(eventId: string): Promise<EventRecord | null>;
}
