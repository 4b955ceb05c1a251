import pg from 'pg';
import type { BenchContext } from '../bench-context.js';
import { benchEvent } from '../foyer-admin.js';

export type RebuildFigures =
  | { measured: true; places: number; sessions: number; journalSeconds: number; rebuildSeconds: number; waiting: number; active: number }
  | { measured: false; reason: string };

const EVENT_ID = 'bench-rebuild';
/** Every key of an event (queue-keys.ts EVENT_KEY_NAMES): the step removes them all, as an empty Redis would. */
const EVENT_KEYS = ['cfg', 'seq', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log', 'idem', 'lock'];

/**
 * DESIGN.md's recovery target: a line of `places` waiters (and `sessions` sessions) is written
 * straight into the journal table, as the forwarder would have written it over the sale; then the
 * event's Redis state is removed, as a Redis restarted empty would have lost it, and the step times
 * how long the API takes from the first request after the loss to the first answer of the rebuilt
 * event (503 QUEUE_REBUILDING until then), and checks what came back.
 */
export async function measureRebuild(ctx: BenchContext, options: { places: number; sessions: number }): Promise<RebuildFigures> {
  const databaseUrl = ctx.backing.databaseUrl;
  if (databaseUrl === null) return { measured: false, reason: 'the journal is written straight into PostgreSQL (none was reachable)' };
  const { places, sessions } = options;
  await ctx.admin.createEvent({ ...benchEvent(EVENT_ID), limitCnt: sessions });

  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  let journalSeconds: number;
  try {
    const began = Date.now();
    await writeJournal(db, places, sessions);
    journalSeconds = (Date.now() - began) / 1000;
  } finally {
    await db.end();
  }
  ctx.log(`  ${places} places and ${sessions} sessions journaled in ${journalSeconds.toFixed(1)} s`);

  const prefix = ctx.backing.keyPrefix;
  await ctx.backing.redis.unlink(...EVENT_KEYS.map((name) => `${prefix}ev:{${EVENT_ID}}:${name}`));

  const began = Date.now();
  for (;;) {
    const response = await fetch(`${ctx.api.url}/v1/queue/enter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId: EVENT_ID, id: 'after-the-rebuild' }),
    });
    await response.text();
    if (response.status === 200) break;
    if (response.status !== 503) throw new Error(`enter during the rebuild answered ${response.status}`);
    if (Date.now() - began > 600_000) throw new Error('the rebuild did not finish within 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const rebuildSeconds = (Date.now() - began) / 1000;
  const stats = await ctx.admin.stats(EVENT_ID);
  ctx.log(`  rebuilt in ${rebuildSeconds.toFixed(1)} s: ${stats.waiting} waiting, ${stats.active} active`);
  await ctx.admin.call('DELETE', `/v1/admin/events/${EVENT_ID}`, undefined, 204);
  return { measured: true, places, sessions, journalSeconds, rebuildSeconds, waiting: stats.waiting, active: stats.active };
}

/** One statement per kind, the payloads as the queue stores write them (with the event's epoch). */
async function writeJournal(db: pg.Client, places: number, sessions: number): Promise<void> {
  const { rows } = await db.query<{ store_epoch: string }>('SELECT store_epoch FROM events WHERE event_id = $1', [EVENT_ID]);
  const epoch = rows[0]?.store_epoch;
  if (!epoch) throw new Error(`event ${EVENT_ID} has no store epoch`);
  const now = Date.now();
  await db.query(
    `INSERT INTO journal_entries ("offset", type, event_id, user_id, payload, created_at, source_key)
     SELECT top + n, 'user.entered', $1, 'w' || lpad(n::text, 15, '0'), jsonb_build_object('seq', n, 'epoch', $2::text),
            now(), $1 || '/bench-e-' || n
       FROM generate_series(1, $3::int) AS n, (SELECT COALESCE(MAX("offset"), 0) AS top FROM journal_entries) AS t`,
    [EVENT_ID, epoch, places],
  );
  await db.query(
    `INSERT INTO journal_entries ("offset", type, event_id, user_id, payload, created_at, source_key)
     SELECT top + n, 'user.admitted', $1, 's' || lpad(n::text, 15, '0'),
            jsonb_build_object('seq', $3::int + n, 'epoch', $2::text, 'admittedAt', to_jsonb(to_char(to_timestamp($5::double precision / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                               'expiresAt', to_jsonb(to_char(to_timestamp(($5::double precision + 3600000) / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                               'jti', $2::text || '.' || ($3::int + n), 'immediate', true),
            now(), $1 || '/bench-a-' || n
       FROM generate_series(1, $4::int) AS n, (SELECT COALESCE(MAX("offset"), 0) AS top FROM journal_entries) AS t`,
    [EVENT_ID, epoch, places, sessions, now],
  );
}
