import type { Cluster, Redis } from 'ioredis';
import type { EventSeries, SeriesSample } from '@foyer/domain';
import { QueueKeys } from './queue-keys.js';
import { reportingOutages } from './redis-outages.js';

export interface RedisEventSeriesOptions {
  /** Prefix of every key (`REDIS_KEY_PREFIX`). */
  keyPrefix: string;
  /** Samples older than this (by slot, behind the newest one written) are forgotten. */
  retentionMs: number;
}

/**
 * The series on Redis: one ZSET per event (`{p}ev:{id}:series`, in the event's Cluster slot),
 * scored by slot, each member a small JSON array. A write is one MULTI on that one key: replace
 * the slot's sample, trim what aged out, and renew the key's expiry, so even a key a late write
 * left behind after its event was deleted goes away by itself. The series owns its connection.
 */
export class RedisEventSeries implements EventSeries {
  private readonly keys: QueueKeys;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: RedisEventSeriesOptions,
  ) {
    this.keys = new QueueKeys(options.keyPrefix);
    // Callers get the domain's StoreUnavailableError for an outage, not ioredis's errors.
    return reportingOutages(this);
  }

  async record(eventId: string, slot: number, sample: SeriesSample): Promise<void> {
    const key = this.keys.seriesKey(eventId);
    const replies = await this.redis
      .multi()
      .zremrangebyscore(key, slot, slot)
      .zadd(key, slot, encode(sample))
      .zremrangebyscore(key, '-inf', `(${slot - this.options.retentionMs}`)
      .pexpire(key, this.options.retentionMs)
      .exec();
    const failed = replies?.find(([err]) => err);
    if (!replies || failed) throw failed?.[0] ?? new Error(`the series write of event '${eventId}' was aborted`);
  }

  async read(eventId: string, sinceSlot: number): Promise<SeriesSample[]> {
    const members = await this.redis.zrangebyscore(this.keys.seriesKey(eventId), sinceSlot, '+inf');
    return members.map(decode);
  }

  async drop(eventId: string): Promise<void> {
    await this.redis.unlink(this.keys.seriesKey(eventId));
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }
}

/** `[at, waiting, active, limitCnt, admittedTotal, abandonedTotal, backWaitSeconds|null]`: about 50 bytes. */
function encode(sample: SeriesSample): string {
  return JSON.stringify([sample.at, sample.waiting, sample.active, sample.limitCnt, sample.admittedTotal, sample.abandonedTotal, sample.backWaitSeconds]);
}

function decode(member: string): SeriesSample {
  const values: unknown = JSON.parse(member);
  const valid =
    Array.isArray(values) &&
    values.length === 7 &&
    values.slice(0, 6).every((value) => typeof value === 'number') &&
    (values[6] === null || typeof values[6] === 'number');
  if (!valid) throw new Error(`a series sample is malformed: ${member}`);
  const [at, waiting, active, limitCnt, admittedTotal, abandonedTotal, backWaitSeconds] = values as number[];
  return { at, waiting, active, limitCnt, admittedTotal, abandonedTotal, backWaitSeconds };
}
