import type { EventRecord } from '@foyer/domain';

/**
 * The database holds an event's settings; the queue store keeps a copy. This rewrites the copy
 * (`QueueConfigSync` of @foyer/waiting-room does it).
 */
export interface QueueSettingsSync {
  /** The store has no settings for the event: rewrite them if the event still exists. Whether it does. */
  restore(eventId: string): Promise<boolean>;
  /** Rewrites the copy when it is not the row's version. Whether it did. */
  refresh(event: EventRecord): Promise<boolean>;
}
