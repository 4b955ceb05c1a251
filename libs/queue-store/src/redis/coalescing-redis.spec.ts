import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Redis } from 'ioredis';
import { CoalescingRedis, MAX_COMMANDS_PER_WRITE } from './coalescing-redis.js';
import { createRedis, whenReady } from './redis-connection.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** Counts the socket's writes (`_write` for one chunk, `_writev` for a gathered batch). */
function countWrites(redis: Redis): { writes: number; chunks: number } {
  const socket = redis.stream as Socket & {
    _write(chunk: unknown, encoding: unknown, cb: unknown): void;
    _writev(chunks: unknown[], cb: unknown): void;
  };
  const counts = { writes: 0, chunks: 0 };
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (chunk, encoding, cb) => {
    counts.writes += 1;
    counts.chunks += 1;
    write(chunk, encoding, cb);
  };
  socket._writev = (chunks, cb) => {
    counts.writes += 1;
    counts.chunks += chunks.length;
    writev(chunks, cb);
  };
  return counts;
}

async function connected(coalesceWrites: boolean): Promise<Redis> {
  const redis = createRedis({ url: REDIS_URL, profile: 'api', name: 'spec-coalescing', coalesceWrites }) as Redis;
  await whenReady(redis);
  return redis;
}

describe('CoalescingRedis', () => {
  const key = `spec:coalescing:${randomBytes(4).toString('hex')}`;
  const open: Redis[] = [];
  afterEach(async () => {
    const redis = open.pop();
    await redis?.del(key);
    await redis?.quit();
  });

  it('is what the api profile gets on a single Redis, unless told otherwise', async () => {
    open.push(await connected(true));
    expect(open[0]).toBeInstanceOf(CoalescingRedis);
    const worker = createRedis({ url: REDIS_URL, profile: 'worker' });
    const bare = createRedis({ url: REDIS_URL, profile: 'api', coalesceWrites: false });
    try {
      expect(worker).not.toBeInstanceOf(CoalescingRedis);
      expect(bare).not.toBeInstanceOf(CoalescingRedis);
    } finally {
      worker.disconnect();
      bare.disconnect();
    }
  });

  it('sends the commands of one turn in writes of MAX_COMMANDS_PER_WRITE, answering each in order', async () => {
    const redis = await connected(true);
    open.push(redis);
    const counts = countWrites(redis);
    const n = 5 * MAX_COMMANDS_PER_WRITE + 3;
    const replies = Promise.all(Array.from({ length: n }, () => redis.incr(key)));
    expect(counts).toEqual({ writes: 5, chunks: 5 * MAX_COMMANDS_PER_WRITE }); // the last 3 wait for the turn's end
    expect(await replies).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(counts).toEqual({ writes: 6, chunks: n });
  });

  it('holds no command past its turn: each turn is written on its own', async () => {
    const redis = await connected(true);
    open.push(redis);
    const counts = countWrites(redis);
    expect(await redis.incr(key)).toBe(1);
    expect(await redis.incr(key)).toBe(2);
    expect(await Promise.all([redis.incr(key), redis.incr(key)])).toEqual([3, 4]);
    expect(counts).toEqual({ writes: 3, chunks: 4 });
  });

  it('without it, every command is a write of its own', async () => {
    const redis = await connected(false);
    open.push(redis);
    const counts = countWrites(redis);
    await Promise.all(Array.from({ length: 5 }, () => redis.incr(key)));
    expect(counts).toEqual({ writes: 5, chunks: 5 });
  });

  it('a connection lost with commands held sends them once more after reconnecting, as any lost command', async () => {
    const redis = await connected(true);
    open.push(redis);
    redis.on('error', () => undefined);
    const held = Promise.all([redis.incr(key), redis.incr(key)]);
    redis.stream.destroy(); // the held bytes never left: the api profile's one retry sends them
    expect(await held).toEqual([1, 2]);
    expect(await Promise.all([redis.incr(key), redis.incr(key)])).toEqual([3, 4]);
  });
});
