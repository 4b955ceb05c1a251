import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { TicketCodec } from '@foyer/tokens';
import { QueueKeys } from '../../libs/queue-store/src/redis/queue-keys.js';

/** Members per ZADD, and ZADDs in flight per pipeline: a million waiters in a few seconds. */
const MEMBERS_PER_COMMAND = 1_000;
const COMMANDS_PER_PIPELINE = 20;
/** DESIGN.md's memory target is for ids of 16 characters: 12 random bytes in base64url. */
const ID_BYTES = 12;

export interface SeededQueue {
  eventId: string;
  size: number;
  /**
   * Writes tickets of `sample` waiters spread evenly over ranks `fromRank`..size, shuffled, one per
   * line, and returns the file.
   */
  writeTickets(file: string, sample: number, fromRank?: number): string;
}

/**
 * Puts `size` waiters at the back of an event's line by writing the keys the scripts read — the
 * waiter is only its `wait` (score = arrival seq) and `seen` (score = last heartbeat) entries —
 * and mints tickets for a sample of them with the app's TicketCodec and secret. The event must
 * have been created through the admin API (that writes `cfg`, whose `epoch` the tickets carry).
 */
export async function seedWaiters(options: { redis: Redis; keyPrefix: string; ticketSecret: string; eventId: string; size: number }): Promise<SeededQueue> {
  const { redis, eventId, size } = options;
  const keys = new QueueKeys(options.keyPrefix);
  const wait = keys.eventKey(eventId, 'wait');
  const seen = keys.eventKey(eventId, 'seen');
  const epoch = await redis.hget(keys.eventKey(eventId, 'cfg'), 'epoch');
  if (!epoch) throw new Error(`event ${eventId} has no cfg epoch: create it through the admin API first`);
  if ((await redis.zcard(wait)) !== 0) throw new Error(`event ${eventId} already has waiters`);

  const lastSeq = await redis.incrby(keys.eventKey(eventId, 'seq'), size);
  const firstSeq = lastSeq - size + 1;
  const [seconds, micros] = await redis.time();
  const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);

  const ids: string[] = new Array<string>(size);
  for (let start = 0; start < size; start += MEMBERS_PER_COMMAND * COMMANDS_PER_PIPELINE) {
    const pipeline = redis.pipeline();
    for (let chunk = start; chunk < Math.min(size, start + MEMBERS_PER_COMMAND * COMMANDS_PER_PIPELINE); chunk += MEMBERS_PER_COMMAND) {
      const waitArgs: (string | number)[] = [];
      const seenArgs: (string | number)[] = [];
      for (let i = chunk; i < Math.min(size, chunk + MEMBERS_PER_COMMAND); i++) {
        const id = randomBytes(ID_BYTES).toString('base64url');
        ids[i] = id;
        waitArgs.push(firstSeq + i, id);
        seenArgs.push(nowMs, id);
      }
      pipeline.zadd(wait, ...waitArgs);
      pipeline.zadd(seen, ...seenArgs);
    }
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0] as Error;
  }

  const codec = new TicketCodec(options.ticketSecret);
  return {
    eventId,
    size,
    writeTickets(file, sample, fromRank = 1) {
      const fromIndex = Math.min(size - 1, Math.max(0, fromRank - 1));
      const span = size - fromIndex;
      const count = Math.min(sample, span);
      const tickets: string[] = [];
      for (let k = 0; k < count; k++) {
        const index = fromIndex + Math.floor((k * span) / count);
        tickets.push(codec.issue({ eventId, id: ids[index], seq: firstSeq + index, epoch }));
      }
      shuffle(tickets);
      writeFileSync(file, `${tickets.join('\n')}\n`);
      return file;
    },
  };
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
