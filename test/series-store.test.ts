/**
 * The event series adapters against one set of expectations: RedisEventSeries on a real Redis
 * (its own key prefix) and MemoryEventSeries. A slot holds one sample, however many samplers
 * write it; samples age out by slot; a dropped series is gone.
 */
import { Redis } from 'ioredis';
import type { EventSeries, SeriesSample } from '@foyer/domain';
import { MemoryEventSeries, RedisEventSeries } from '@foyer/queue-store';
import { createRedisPrefix, REDIS_URL } from './support/services.js';

const RETENTION_MS = 60_000;
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

const sample = (at: number, waiting: number, backWaitSeconds: number | null = 30): SeriesSample => ({
  at,
  waiting,
  active: 2,
  limitCnt: 5,
  admittedTotal: 7,
  abandonedTotal: 1,
  backWaitSeconds,
});

const redisPrefix = createRedisPrefix();
let redis: Redis;

const adapters: [string, () => EventSeries][] = [
  ['memory', () => new MemoryEventSeries({ retentionMs: RETENTION_MS })],
  ['redis', () => new RedisEventSeries(new Redis(REDIS_URL), { keyPrefix: redisPrefix.prefix, retentionMs: RETENTION_MS })],
];

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  await redisPrefix.cleanup();
  await redis.quit();
});

describe.each(adapters)('%s event series', (kind, make) => {
  let series: EventSeries;

  beforeEach(() => {
    series = make();
  });

  afterEach(async () => {
    await series.close();
  });

  it('keeps one sample per slot: a later write of the slot replaces it', async () => {
    await series.record('e1', T0, sample(T0 + 10, 1));
    await series.record('e1', T0 + 10_000, sample(T0 + 10_005, 2));
    await series.record('e1', T0, sample(T0 + 4_000, 3));
    expect(await series.read('e1', T0)).toEqual([sample(T0 + 4_000, 3), sample(T0 + 10_005, 2)]);
  });

  it('reads from a slot on, oldest first, whatever the order of the writes', async () => {
    await series.record('e2', T0 + 20_000, sample(T0 + 20_000, 3, null));
    await series.record('e2', T0, sample(T0, 1));
    await series.record('e2', T0 + 10_000, sample(T0 + 10_000, 2));
    expect((await series.read('e2', T0 + 10_000)).map((s) => s.waiting)).toEqual([2, 3]);
    expect((await series.read('e2', T0 + 20_000))[0].backWaitSeconds).toBeNull();
    expect(await series.read('e2', T0 + 30_000)).toEqual([]);
  });

  it('forgets samples older than the retention, so a series stays bounded', async () => {
    for (let i = 0; i <= 20; i++) await series.record('e3', T0 + i * 10_000, sample(T0 + i * 10_000, i));
    const kept = await series.read('e3', 0);
    expect(kept.map((s) => s.waiting)).toEqual([14, 15, 16, 17, 18, 19, 20]);
  });

  it('keeps events apart and drops one whole series', async () => {
    await series.record('e4', T0, sample(T0, 4));
    await series.record('e5', T0, sample(T0, 5));
    await series.drop('e4');
    expect(await series.read('e4', 0)).toEqual([]);
    expect((await series.read('e5', 0)).map((s) => s.waiting)).toEqual([5]);
  });

  if (kind === 'redis') {
    it("keeps an event's series in its Cluster slot, with an expiry renewed on every write", async () => {
      await series.record('e6', T0, sample(T0, 1));
      const key = `${redisPrefix.prefix}ev:{e6}:series`;
      expect(await redis.zcard(key)).toBe(1);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(RETENTION_MS);
      await series.drop('e6');
      expect(await redis.exists(key)).toBe(0);
    });
  }
});
