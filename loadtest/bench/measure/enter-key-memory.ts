import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { enterKeyOf } from '../../../libs/application/src/enter/enter-key.js';
import type { EnterOptions, QueueConfig } from '@foyer/domain';
import { QueueKeys, type EventKeyName } from '../../../libs/queue-store/src/redis/queue-keys.js';
import { RedisQueueStore } from '../../../libs/queue-store/src/redis/redis-queue.store.js';

/** Enters in flight at once: the store's scripts, pipelined on one connection. */
const IN_FLIGHT = 1_000;

/** One way of entering, as the app makes the store's call for it. */
interface EnterVariant {
  name: string;
  idLength: number;
  /** The store's arguments for the i-th waiter. */
  enter(): { id: string; options: EnterOptions };
}

const randomKey = () => randomBytes(16).toString('hex'); // what the page and the SDK send

/** DESIGN.md's memory target is for 16-character ids (12 random bytes); server-made ids are 22. */
const VARIANTS: EnterVariant[] = [
  { name: 'own 16-char ids, no key', idLength: 16, enter: () => ({ id: randomBytes(12).toString('base64url'), options: {} }) },
  {
    name: 'own 16-char ids, with Idempotency-Key',
    idLength: 16,
    enter: () => ({ id: randomBytes(12).toString('base64url'), options: { key: enterKeyOf(randomKey()) } }),
  },
  { name: 'server-made random ids, no key', idLength: 22, enter: () => ({ id: randomBytes(16).toString('base64url'), options: {} }) },
  {
    name: 'server-made ids derived from the Idempotency-Key',
    idLength: 22,
    enter: () => {
      const key = enterKeyOf(randomKey());
      return { id: key.serverId, options: { key } };
    },
  },
];

export interface EnterKeyMemoryVariant {
  name: string;
  idLength: number;
  /** MEMORY USAGE … SAMPLES 0 (exact) of each key the waiters live in. */
  waitBytes: number;
  seenBytes: number;
  idemBytes: number;
  bytesPerWaiter: number;
  /** The outbox (`log`) until the forwarder moves it: every user.entered entry, with `idem` when the key is recorded. */
  logBytesPerWaiter: number;
}

export interface EnterKeyMemoryFigures {
  waiters: number;
  variants: EnterKeyMemoryVariant[];
}

/**
 * Redis bytes per waiting user with and without an `Idempotency-Key`: `waiters` enters through the
 * real enter script for each way of entering, each into its own event on the given key prefix
 * (dropped afterwards), measured key by key. The keys' own overhead is in the figure, spread over
 * `waiters`, so a large `waiters` (100,000) gives the per-waiter cost.
 */
export async function measureEnterKeyMemory(redis: Redis, keyPrefix: string, waiters: number): Promise<EnterKeyMemoryFigures> {
  const keys = new QueueKeys(keyPrefix);
  const store = new RedisQueueStore(redis.duplicate(), { keyPrefix });
  const variants: EnterKeyMemoryVariant[] = [];
  try {
    for (const [index, variant] of VARIANTS.entries()) {
      const eventId = `bench-enter-keys-${index}-${randomBytes(4).toString('hex')}`;
      await store.configure(waitingOnlyEvent(eventId));
      for (let start = 0; start < waiters; start += IN_FLIGHT) {
        const batch = Array.from({ length: Math.min(IN_FLIGHT, waiters - start) }, () => variant.enter());
        const results = await Promise.all(batch.map(({ id, options }) => store.enter(eventId, id, options)));
        const refused = results.find((result) => result.outcome !== 'PLACED');
        if (refused) throw new Error(`${variant.name}: an enter answered ${JSON.stringify(refused)}`);
      }
      const sizeOf = async (name: EventKeyName) => Number((await redis.call('MEMORY', 'USAGE', keys.eventKey(eventId, name), 'SAMPLES', '0')) ?? 0);
      const [waitBytes, seenBytes, idemBytes, logBytes] = [await sizeOf('wait'), await sizeOf('seen'), await sizeOf('idem'), await sizeOf('log')];
      variants.push({
        name: variant.name,
        idLength: variant.idLength,
        waitBytes,
        seenBytes,
        idemBytes,
        bytesPerWaiter: (waitBytes + seenBytes + idemBytes) / waiters,
        logBytesPerWaiter: logBytes / waiters,
      });
      await store.dropEvent(eventId);
      await store.dropJournal(eventId);
    }
  } finally {
    await store.close();
  }
  return { waiters, variants };
}

/** An event that admits nobody, so every enter waits, and nobody lapses while the step runs. */
function waitingOnlyEvent(eventId: string): QueueConfig {
  return { eventId, status: 'OPEN', limitCnt: 0, sessionTtlMs: 600_000, waitTimeoutMs: 3_600_000, pollRefusalMs: 0, blockReentry: false, version: 1 };
}
