/**
 * The floor: the least a waiting room's HTTP route can do, to measure Foyer against. A bare Fastify
 * server whose routes each make the one Redis round trip Foyer's route makes, on the same keys and
 * with the same client and connection profile, and nothing else: no ticket MAC check, no event
 * lookup, no validation, no journal, a tiny answer. Foyer / floor is then the share of the
 * achievable throughput Foyer keeps.
 *
 *   GET  /floor/status  authorization: Bearer <ticket>  one EVALSHA: heartbeat ZADD + ZRANK
 *   POST /floor/enter   {"eventId", "id"}               one EVALSHA: INCR + ZADD wait + ZADD seen + ZRANK
 *
 * The status route reads eventId and id from the ticket's payload without checking its MAC.
 * Scripts are run the way Foyer runs its own (`evalScript`: EVALSHA on one prebuilt argument
 * list), so the client's cost per call is the same on both sides. As a bare route does, it writes
 * each command to the socket when it is issued (`coalesceWrites: false`): gathering the commands
 * of a turn into one write is Foyer's work (`CoalescingRedis`), and the runner measures a floor
 * that does it too, for comparison (`FLOOR_COALESCE=1`).
 * Started by the runner as its own process (processes.ts), like the API it is compared with.
 */
import Fastify from 'fastify';
import { createRedis, whenReady } from '@foyer/queue-store';
import { QueueKeys } from '../../libs/queue-store/src/redis/queue-keys.js';
import { evalScript, luaScript } from '../../libs/queue-store/src/redis/scripts.js';

const POLL = luaScript(`
local t = redis.call('TIME')
redis.call('ZADD', KEYS[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
return redis.call('ZRANK', KEYS[1], ARGV[1])`);

const ENTER = luaScript(`
local t = redis.call('TIME')
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('ZADD', KEYS[3], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
return { seq, redis.call('ZRANK', KEYS[2], ARGV[1]) }`);

async function main(): Promise<void> {
  const keys = new QueueKeys(process.env.REDIS_KEY_PREFIX ?? 'foyer:');
  const redis = createRedis({
    url: process.env.REDIS_URL,
    profile: 'api',
    name: 'foyer-bench-floor',
    coalesceWrites: process.env.FLOOR_COALESCE === '1',
  });
  await whenReady(redis);

  const app = Fastify({ logger: false });
  app.get('/health', async () => ({ ok: true }));

  app.get('/floor/status', async (request, reply) => {
    const place = placeOf(request.headers.authorization);
    if (!place) return reply.code(401).send({ code: 'INVALID_TICKET' });
    const eventKeys = [keys.eventKey(place.eventId, 'wait'), keys.eventKey(place.eventId, 'seen')];
    const rank = (await evalScript(redis, POLL, eventKeys, [place.id])) as number | null;
    if (rank === null) return reply.code(404).send({ code: 'NOT_WAITING' });
    return { rank: rank + 1 };
  });

  app.post<{ Body: { eventId: string; id: string } }>('/floor/enter', async (request) => {
    const { eventId, id } = request.body;
    const [seq, rank] = (await evalScript(
      redis,
      ENTER,
      [keys.eventKey(eventId, 'seq'), keys.eventKey(eventId, 'wait'), keys.eventKey(eventId, 'seen')],
      [id],
    )) as [number, number];
    return { seq, rank: rank + 1 };
  });

  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const stop = () =>
    void app
      .close()
      .then(() => redis.quit())
      .finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** eventId and id from a ticket's payload (base64url JSON [eventId, id, seq, epoch]), unchecked. */
function placeOf(authorization: string | undefined): { eventId: string; id: string } | null {
  if (!authorization?.startsWith('Bearer ')) return null;
  const ticket = authorization.slice('Bearer '.length);
  const dot = ticket.indexOf('.');
  if (dot <= 0) return null;
  try {
    const [eventId, id] = JSON.parse(Buffer.from(ticket.slice(0, dot), 'base64url').toString('utf8')) as [string, string];
    return { eventId, id };
  } catch {
    return null;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
