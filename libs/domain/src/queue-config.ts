import type { EventRecord } from './event.js';
import { pollRefusalMs } from './poll-pacing.js';
import type { QueueConfig } from './ports/queue-store.js';

/** The part of an event's settings the queue store caches, in its units. */
export function toQueueConfig(event: EventRecord): QueueConfig {
  return {
    eventId: event.eventId,
    status: event.status,
    limitCnt: event.limitCnt,
    sessionTtlMs: event.sessionTtlSec * 1000,
    waitTimeoutMs: event.waitTimeoutSec * 1000,
    pollRefusalMs: pollRefusalMs(event),
    blockReentry: event.blockReentry,
    version: event.updatedAt.getTime(),
  };
}
