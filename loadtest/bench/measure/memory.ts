import type { Redis } from 'ioredis';
import { QueueKeys } from '../../../libs/queue-store/src/redis/queue-keys.js';

export interface MemoryFigures {
  waiters: number;
  idLength: number;
  /** `MEMORY USAGE … SAMPLES 0` (exact) of the two keys a waiter lives in. */
  waitBytes: number;
  seenBytes: number;
  bytesPerWaiter: number;
  /** `INFO memory` used_memory after minus before the seeding: every key on the server counts. */
  usedMemoryDelta: number;
  bytesPerWaiterFromInfo: number;
}

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/**
 * Redis bytes per waiting user, two ways: the exact size of the event's `wait` and `seen` keys
 * (what Foyer adds per waiter, whatever else the server holds), and the server's used_memory before
 * and after the seeding (what an operator sees; on a shared server other tenants move it too).
 */
export async function measureMemory(
  redis: Redis,
  keyPrefix: string,
  eventId: string,
  options: { waiters: number; idLength: number; usedBefore: number; usedAfter: number },
): Promise<MemoryFigures> {
  const keys = new QueueKeys(keyPrefix);
  const sizeOf = async (name: 'wait' | 'seen') => Number((await redis.call('MEMORY', 'USAGE', keys.eventKey(eventId, name), 'SAMPLES', '0')) ?? 0);
  const waitBytes = await sizeOf('wait');
  const seenBytes = await sizeOf('seen');
  const usedMemoryDelta = options.usedAfter - options.usedBefore;
  return {
    waiters: options.waiters,
    idLength: options.idLength,
    waitBytes,
    seenBytes,
    bytesPerWaiter: (waitBytes + seenBytes) / options.waiters,
    usedMemoryDelta,
    bytesPerWaiterFromInfo: usedMemoryDelta / options.waiters,
  };
}
