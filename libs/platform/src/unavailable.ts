import { isDatabaseUnavailable } from '@foyer/persistence';
import { isRedisUnavailable } from '@foyer/queue-store';

/** Whether an error means Redis or the database did not answer (→ 503 STORE_UNAVAILABLE). */
export function isStoreUnavailable(err: unknown): boolean {
  return isRedisUnavailable(err) || isDatabaseUnavailable(err);
}
