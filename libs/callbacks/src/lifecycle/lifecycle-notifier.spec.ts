import { EVENT_DEFAULTS, type EventRecord, type EventRepository, type JournalEntry, type JournalRepository } from '@foyer/domain';
import type { NewCallback } from '../message/callback-message.js';
import type { LifecycleCursorRepository } from './lifecycle-cursor.repository.js';
import { LifecycleNotifier } from './lifecycle-notifier.js';

const at = new Date('2026-01-01T00:00:00.000Z');
function entry(offset: number, type: string, eventId: string, id: string | null, payload: Record<string, unknown> = {}): JournalEntry {
  return { offset, type, eventId, id, payload: { type, eventId, id, at: at.toISOString(), ...payload }, createdAt: at };
}

function fakes(entries: JournalEntry[], callbackUrls: Record<string, string | null>) {
  const state = { position: 0, moved: false, enqueued: [] as NewCallback[], lookups: [] as string[] };
  const journal: Pick<JournalRepository, 'page'> = {
    page: (after, limit) => {
      const items = entries.filter((e) => e.offset > after).slice(0, limit);
      return Promise.resolve({ items, nextAfter: items.length === 0 ? after : items[items.length - 1].offset });
    },
  };
  const events: Pick<EventRepository, 'get'> = {
    get: (eventId) => {
      state.lookups.push(eventId);
      const callbackUrl = callbackUrls[eventId];
      const event = callbackUrl === undefined ? null : ({ ...EVENT_DEFAULTS, eventId, callbackUrl } as unknown as EventRecord);
      return Promise.resolve(event);
    },
  };
  const cursor: Pick<LifecycleCursorRepository, 'position' | 'enqueue'> = {
    position: () => Promise.resolve(state.position),
    enqueue: (from, to, notifications) => {
      if (state.moved || from !== state.position) return Promise.resolve(null);
      state.enqueued.push(...notifications);
      state.position = to;
      return Promise.resolve(notifications.length);
    },
  };
  const notifier = new LifecycleNotifier(journal as JournalRepository, events as EventRepository, cursor as LifecycleCursorRepository);
  return { notifier, state };
}

describe('LifecycleNotifier', () => {
  it('notifies the lifecycle entries of events with a callbackUrl, from the journal port, and moves the cursor', async () => {
    const { notifier, state } = fakes(
      [
        entry(1, 'event.created', 'shop', null),
        entry(2, 'user.admitted', 'shop', 'ada', { expiresAt: '2026-01-01T00:10:00.000Z' }),
        entry(3, 'user.admitted', 'quiet', 'bob'),
        entry(4, 'user.exited', 'gone', 'cy'),
        entry(5, 'user.exited', 'shop', 'ada'),
      ],
      { shop: 'https://shop.example/hook', quiet: null },
    );
    await expect(notifier.runOnce()).resolves.toEqual({ read: 5, enqueued: 2 });
    expect(state.position).toBe(5);
    expect(state.lookups.sort()).toEqual(['gone', 'quiet', 'shop']);
    expect(state.enqueued.map((n) => [n.messageId, n.groupId, JSON.parse(n.body)])).toEqual([
      ['journal:2', 'shop:ada', { type: 'user.admitted', eventId: 'shop', id: 'ada', at: at.toISOString(), expiresAt: '2026-01-01T00:10:00.000Z' }],
      ['journal:5', 'shop:ada', { type: 'user.exited', eventId: 'shop', id: 'ada', at: at.toISOString() }],
    ]);
    expect(state.enqueued[0]).toMatchObject({ callbackUrl: 'https://shop.example/hook', onDead: 'CONTINUE' });
    await expect(notifier.runOnce()).resolves.toEqual({ read: 0, enqueued: 0 });
  });

  it('stops the pass when another notifier moved the cursor first', async () => {
    const { notifier, state } = fakes([entry(1, 'user.admitted', 'shop', 'ada')], { shop: 'https://shop.example/hook' });
    state.moved = true;
    await expect(notifier.runOnce()).resolves.toEqual({ read: 0, enqueued: 0 });
    expect(state.enqueued).toEqual([]);
  });
});
