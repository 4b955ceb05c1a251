import { Inject, Injectable } from '@nestjs/common';
import type { EventRepository, JournalEntry, JournalRepository } from '@foyer/domain';
import { EVENT_REPOSITORY, JOURNAL_REPOSITORY } from '@foyer/platform';
import { contentHash, type NewCallback } from '../message/callback-message.js';
import { LifecycleCursorRepository } from './lifecycle-cursor.repository.js';

/** The journal entries an event's callbackUrl is notified of (API.md, lifecycle notifications). */
export const NOTIFIED_TYPES: readonly string[] = ['user.admitted', 'user.exited', 'user.expired', 'user.abandoned', 'user.removed'];

const BATCH = 500;

/** The messageId of the notification of a journal entry: one per offset, so re-reading adds nothing. */
export function notificationMessageId(offset: bigint | number): string {
  return `journal:${offset}`;
}

/** The group of a user's notifications: they arrive in the order they happened. */
export function notificationGroupId(eventId: string, userId: string): string {
  return `${eventId}:${userId}`;
}

/**
 * Turns journal entries into ordered callbacks for events that have a callbackUrl. It reads the
 * journal through its port after a cursor kept in `callback_cursors`, then enqueues the
 * notifications and moves the cursor in one transaction that first checks the cursor has not moved
 * (`LifecycleCursorRepository.enqueue`); a message per journal offset (`journal:{offset}`) makes a
 * repeated pass harmless.
 */
@Injectable()
export class LifecycleNotifier {
  constructor(
    @Inject(JOURNAL_REPOSITORY) private readonly journal: JournalRepository,
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    private readonly cursor: LifecycleCursorRepository,
  ) {}

  /** One batch; returns how many journal entries it read and how many notifications it enqueued. */
  async runOnce(): Promise<{ read: number; enqueued: number }> {
    const after = await this.cursor.position();
    const page = await this.journal.page(after, BATCH);
    if (page.items.length === 0) return { read: 0, enqueued: 0 };
    const callbackUrls = await this.callbackUrlsOf(page.items);
    const notifications: NewCallback[] = [];
    for (const entry of page.items) {
      const notification = toNotification(entry, callbackUrls.get(entry.eventId) ?? null);
      if (notification) notifications.push(notification);
    }
    const enqueued = await this.cursor.enqueue(after, page.nextAfter, notifications);
    // Another notifier moved the cursor first: these entries are its to notify, and this pass ends.
    if (enqueued === null) return { read: 0, enqueued: 0 };
    return { read: page.items.length, enqueued };
  }

  /** Each event's callbackUrl as it is now (a deleted event has none), read once per event of the batch. */
  private async callbackUrlsOf(entries: JournalEntry[]): Promise<Map<string, string | null>> {
    const urls = new Map<string, string | null>();
    for (const eventId of new Set(entries.map((entry) => entry.eventId))) {
      urls.set(eventId, (await this.events.get(eventId))?.callbackUrl ?? null);
    }
    return urls;
  }
}

function toNotification(entry: JournalEntry, callbackUrl: string | null): NewCallback | null {
  if (!callbackUrl || entry.id === null || !NOTIFIED_TYPES.includes(entry.type)) return null;
  const payload: Record<string, unknown> = typeof entry.payload === 'object' && entry.payload !== null ? entry.payload : {};
  const { type: _type, eventId: _eventId, id: _id, at: _at, ...rest } = payload;
  const body = { type: entry.type, eventId: entry.eventId, id: entry.id, at: entry.createdAt.toISOString(), ...rest };
  const groupId = notificationGroupId(entry.eventId, entry.id);
  return {
    messageId: notificationMessageId(entry.offset),
    groupId,
    callbackUrl,
    body: JSON.stringify(body),
    onDead: 'CONTINUE',
    contentHash: contentHash({ callbackUrl, groupId, onDead: 'CONTINUE', body }),
  };
}
