import type { Provider } from '@nestjs/common';
import { QUEUE_STORE } from './tokens.js';

/**
 * One token per port of the queue store (`QueueOperations`, `QueueOutbox`, `QueueRebuild`, `RateLimitStore`,
 * `StoreConnection` in @foyer/domain): a consumer injects the one it uses. `QUEUE_STORE` stays the
 * adapter itself, for whoever creates, snapshots or closes it.
 */
export const QUEUE_OPERATIONS = Symbol('QueueOperations');
export const QUEUE_OUTBOX = Symbol('QueueOutbox');
export const QUEUE_REBUILD = Symbol('QueueRebuild');
export const RATE_LIMIT_STORE = Symbol('RateLimitStore');
export const STORE_CONNECTION = Symbol('StoreConnection');

/** The port tokens as aliases of the one store `QUEUE_STORE` provides: provide them beside it. */
export function queueStorePortProviders(): Provider[] {
  return [QUEUE_OPERATIONS, QUEUE_OUTBOX, QUEUE_REBUILD, RATE_LIMIT_STORE, STORE_CONNECTION].map((provide) => ({
    provide,
    useExisting: QUEUE_STORE,
  }));
}
