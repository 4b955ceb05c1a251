/**
 * Every Redis key Foyer uses is built here, and only here. Scripts receive their keys through
 * KEYS, never assemble them, so a Cluster can route each call to the slot that holds the event.
 */

/**
 * The per-event keys. What each holds is written in the header of the Lua that handles it:
 * includes/config (cfg), includes/waiters (wait, seen), includes/sessions (active, sess, tok, done),
 * includes/journal (log), includes/idempotency (idem); seq is the arrival counter enter-11 increments; stats holds the totals of
 * stats-3 and the admission-rate buckets and rate of rate-buckets-2 and set-rate-2. idem maps the
 * SHA-256 of an enter's Idempotency-Key to the id it placed; lock is held while the event is
 * rebuilt from the journal (begin-rebuild-11).
 */
export const EVENT_KEY_NAMES = ['cfg', 'seq', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log', 'idem', 'lock'] as const;
export type EventKeyName = (typeof EVENT_KEY_NAMES)[number];

export type EventKeys = Readonly<Record<EventKeyName, string>>;

export class QueueKeys {
  constructor(readonly prefix: string) {}

  /** `${prefix}ev:{${eventId}}:${name}`: the braces put every key of one event in one Cluster slot. */
  eventKey(eventId: string, name: EventKeyName): string {
    return `${this.prefix}ev:{${eventId}}:${name}`;
  }

  eventKeys(eventId: string): EventKeys {
    const keys = {} as Record<EventKeyName, string>;
    for (const name of EVENT_KEY_NAMES) keys[name] = this.eventKey(eventId, name);
    return keys;
  }

  /** The keys of an event in the order a script declares them. */
  eventKeyList(eventId: string, names: readonly EventKeyName[]): string[] {
    return names.map((name) => this.eventKey(eventId, name));
  }

  /** The event's recent samples for the dashboard (a ZSET by slot); beside its queue, in its slot. */
  seriesKey(eventId: string): string {
    return `${this.prefix}ev:{${eventId}}:series`;
  }

  /** One rate-limit counter per client key (it holds its current window and the count in it). */
  rateLimitKey(key: string): string {
    return `${this.prefix}rl:${key}`;
  }
}
