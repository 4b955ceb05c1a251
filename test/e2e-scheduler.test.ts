import { jest } from '@jest/globals';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, startFoyer, STORE_MODES, type FoyerBacking, type RunningFoyer, type StoreMode } from './support/foyer.js';
import { expectKeysOnEveryMaster } from './support/redis-cluster.js';
import { eventually, sleep, uniqueName } from './support/services.js';

/**
 * The scheduler role in the real app, over HTTP, with both stores: promotion into free slots,
 * session ends, dropped waiters, PAUSED/CLOSED, and the journal it forwards. SCHEDULER_TICK_MS is
 * 100 (the backings' default); every wait is for a state, with a generous bound. Promotion, session
 * ends, dropped waiters and the journal (`ON_CLUSTER`) run a third time on a Redis Cluster of three
 * masters and three replicas, the events spread over every master.
 */

// An embedded database is created per app (initdb in WebAssembly): seconds on a busy machine.
jest.setTimeout(90_000);

/** Long enough for dozens of ticks and several forwarder passes on two noisy cores. */
const WITHIN = 20_000;

interface Entry {
  offset: number;
  type: string;
  eventId: string;
  id?: string;
  payload: Record<string, unknown>;
}

const ON_CLUSTER = new Set([
  'promotes waiters in arrival order when limitCnt grows',
  'admits the next waiter when a session reaches expiresAt; the ended user is blocked',
  'drops a waiter that stops polling past waitTimeoutSec',
  'journals configuration changes and queue changes in order, each once',
]);
const MODES: StoreMode[] = [...STORE_MODES, 'redis-cluster'];

describe.each(MODES)('the scheduler (%s store)', (mode) => {
  /** A test, run on the cluster only when it is one of `ON_CLUSTER`. */
  const scenario = (name: string, body: () => Promise<void>) => (mode !== 'redis-cluster' || ON_CLUSTER.has(name)) && it(name, body);
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let api: ReturnType<typeof admin>;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking(mode, { SCHEDULER_TICK_MS: '100' });
    foyer = await startFoyer(backing);
    api = admin(foyer.http);
  }, 90_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  /** A fresh event; polls are never paced so a test can poll whenever it needs to. */
  async function createEvent(settings: Record<string, unknown> = {}): Promise<string> {
    const eventId = mode === 'redis-cluster' ? backing.eventId('sched') : uniqueName('sched');
    const created = await api.createEvent({ eventId, name: 'Scheduler test', limitCnt: 1, minPollIntervalMs: 0, ...settings });
    expect(created.status).toBe(201);
    return eventId;
  }

  async function enter(eventId: string, id: string) {
    const answer = await foyer.http.post('/v1/queue/enter', { eventId, id });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function poll(ticket: string) {
    const answer = await foyer.http.get('/v1/queue/status', { token: ticket });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function stats(eventId: string) {
    const answer = await api.getEvent(eventId);
    expect(answer.status).toBe(200);
    return answer.body.stats;
  }

  /** Every journal entry of the event so far, paging by nextAfter. */
  async function journalOf(eventId: string): Promise<Entry[]> {
    const entries: Entry[] = [];
    let after = 0;
    for (;;) {
      const page = await api.journal(`after=${after}&limit=100&eventId=${eventId}`);
      expect(page.status).toBe(200);
      if (page.body.items.length === 0) return entries;
      entries.push(...page.body.items);
      after = page.body.nextAfter;
    }
  }

  /** Waits until the journal holds an entry of `type` for each of `ids`; returns the event's entries. */
  async function journaled(eventId: string, type: string, ids: string[]): Promise<Entry[]> {
    return eventually(
      async () => {
        const entries = await journalOf(eventId);
        const have = new Set(entries.filter((e) => e.type === type).map((e) => e.id));
        return ids.every((id) => have.has(id)) && entries;
      },
      WITHIN,
      `${type} of ${ids.join(', ')} in the journal`,
    );
  }

  const admittedOrder = (entries: Entry[]) => entries.filter((e) => e.type === 'user.admitted').map((e) => e.id);

  scenario('promotes waiters in arrival order when limitCnt grows', async () => {
    const eventId = await createEvent({ limitCnt: 1 });
    expect((await enter(eventId, 'a')).status).toBe('ENTER');
    const waiters: any[] = [];
    for (const id of ['b', 'c', 'd']) waiters.push(await enter(eventId, id));
    expect(waiters.map((w) => [w.status, w.expectedInfo.rank])).toEqual([
      ['WAIT', 1],
      ['WAIT', 2],
      ['WAIT', 3],
    ]);

    expect((await api.patchEvent(eventId, { limitCnt: 3 })).status).toBe(200);

    // b and c (the first two to arrive) take the two new slots; d, who came last, does not.
    const [b, c] = await eventually(
      async () => {
        const states = await Promise.all(waiters.slice(0, 2).map((w) => poll(w.ticket)));
        return states.every((s) => s.status === 'ENTER') && states;
      },
      WITHIN,
      'b and c to be admitted',
    );
    expect(b.successToken).toEqual(expect.any(String));
    expect(c.successToken).toEqual(expect.any(String));
    const d = await poll(waiters[2].ticket);
    expect(d.status).toBe('WAIT');
    expect(d.expectedInfo.rank).toBe(1);
    expect(await stats(eventId)).toMatchObject({ active: 3, waiting: 1 });

    const entries = await journaled(eventId, 'user.admitted', ['a', 'b', 'c']);
    expect(admittedOrder(entries)).toEqual(['a', 'b', 'c']);
    expect(entries.filter((e) => e.type === 'user.entered').map((e) => e.id)).toEqual(['b', 'c', 'd']);
  });

  scenario('admits the next waiter when a session reaches expiresAt; the ended user is blocked', async () => {
    const eventId = await createEvent({ limitCnt: 1, sessionTtlSec: 1 });
    const a = await enter(eventId, 'a');
    expect(a.status).toBe('ENTER');
    const b = await enter(eventId, 'b');
    const c = await enter(eventId, 'c');
    expect([b.status, c.status]).toEqual(['WAIT', 'WAIT']);

    // b keeps its place by polling and is admitted once a's session is over.
    await eventually(async () => (await poll(b.ticket)).status === 'ENTER', WITHIN, 'b to be admitted');
    const ended = await poll(a.ticket);
    expect(ended).toMatchObject({ status: 'BLOCK', reason: 'REENTRY_BLOCKED' });
    // A new enter of the same id is refused too (blockReentry is the default).
    expect((await enter(eventId, 'a')).status).toBe('BLOCK');

    // Then b's session runs out in turn, and c (who polls) follows.
    await eventually(async () => (await poll(c.ticket)).status === 'ENTER', WITHIN, 'c to be admitted');

    const entries = await journaled(eventId, 'user.expired', ['a', 'b']);
    expect(admittedOrder(entries).slice(0, 3)).toEqual(['a', 'b', 'c']);
    const expiredA = entries.find((e) => e.type === 'user.expired' && e.id === 'a')!;
    const admittedB = entries.find((e) => e.type === 'user.admitted' && e.id === 'b')!;
    // a's slot was freed before b took it.
    expect(expiredA.offset).toBeLessThan(admittedB.offset);
    const totals = await stats(eventId);
    expect(totals.admittedTotal).toBeGreaterThanOrEqual(3);
    expect(totals.expiredTotal).toBeGreaterThanOrEqual(2);
  });

  scenario('answers EXPIRED SESSION_ENDED after a session ends on an event without re-entry block', async () => {
    const eventId = await createEvent({ limitCnt: 1, sessionTtlSec: 1, blockReentry: false });
    const a = await enter(eventId, 'a');
    expect(a.status).toBe('ENTER');

    const ended = await eventually(
      async () => {
        const state = await poll(a.ticket);
        return state.status !== 'ENTER' && state;
      },
      WITHIN,
      "a's session to end",
    );
    expect(ended).toMatchObject({ status: 'EXPIRED', reason: 'SESSION_ENDED' });
    await journaled(eventId, 'user.expired', ['a']);
    // Without the block the id may come back, starting a new session.
    const again = await enter(eventId, 'a');
    expect(again.status).toBe('ENTER');
    expect(again.successToken).not.toBe(a.successToken);
  });

  scenario('drops a waiter that stops polling past waitTimeoutSec', async () => {
    // limitCnt 0: nobody is ever admitted, so the only way out of the line is the timeout.
    const eventId = await createEvent({ limitCnt: 0, waitTimeoutSec: 1 });
    const gone = await enter(eventId, 'gone');
    expect(gone.status).toBe('WAIT');
    expect(gone.expectedInfo.waitSeconds).toBeNull();

    // The sweep removes it without any poll of its own...
    await eventually(
      async () => {
        const totals = await stats(eventId);
        return totals.waiting === 0 && totals.abandonedTotal === 1;
      },
      WITHIN,
      'the stale waiter to be swept',
    );
    // ...and its own next poll says why.
    expect(await poll(gone.ticket)).toMatchObject({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
    expect((await stats(eventId)).abandonedTotal).toBe(1);
    await journaled(eventId, 'user.abandoned', ['gone']);

    // A lapsed id may enter again, at the back.
    const back = await enter(eventId, 'gone');
    expect(back.status).toBe('WAIT');
    expect(back.ticket).not.toBe(gone.ticket);
  });

  scenario('admits nobody while PAUSED, even with room, and admits again once OPEN', async () => {
    const eventId = await createEvent({ limitCnt: 1 });
    expect((await enter(eventId, 'a')).status).toBe('ENTER');
    const b = await enter(eventId, 'b');
    expect(b.status).toBe('WAIT');

    expect((await api.patchEvent(eventId, { status: 'PAUSED', limitCnt: 5 })).status).toBe(200);
    // A paused event still queues, even with room, and estimates no wait.
    const c = await enter(eventId, 'c');
    expect(c.status).toBe('WAIT');
    expect(c.eventStatus).toBe('PAUSED');
    // Many ticks (100 ms each) pass: still nobody is admitted.
    await sleep(1_500);
    const paused = await poll(b.ticket);
    expect(paused).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1, waitSeconds: null, time: null, waitSecondsP25: null, waitSecondsP75: null } });
    expect((await poll(c.ticket)).status).toBe('WAIT');
    expect(await stats(eventId)).toMatchObject({ active: 1, waiting: 2 });

    expect((await api.patchEvent(eventId, { status: 'OPEN' })).status).toBe(200);
    await eventually(
      async () => (await poll(b.ticket)).status === 'ENTER' && (await poll(c.ticket)).status === 'ENTER',
      WITHIN,
      'b and c to be admitted once OPEN',
    );
    const entries = await journaled(eventId, 'user.admitted', ['a', 'b', 'c']);
    expect(admittedOrder(entries)).toEqual(['a', 'b', 'c']);
  });

  scenario('ends every waiting place when the event is CLOSED; admitted sessions run on', async () => {
    const eventId = await createEvent({ limitCnt: 1 });
    const a = await enter(eventId, 'a');
    expect(a.status).toBe('ENTER');
    const b = await enter(eventId, 'b');
    const c = await enter(eventId, 'c');
    expect([b.status, c.status]).toEqual(['WAIT', 'WAIT']);

    expect((await api.patchEvent(eventId, { status: 'CLOSED' })).status).toBe(200);
    expect(await poll(b.ticket)).toMatchObject({ status: 'EXPIRED', reason: 'EVENT_CLOSED', eventStatus: 'CLOSED' });
    const still = await poll(a.ticket);
    expect(still.status).toBe('ENTER');
    expect(still.successToken).toBe(a.successToken);

    // c never polls: the sweep ends its place.
    await eventually(async () => (await stats(eventId)).waiting === 0, WITHIN, 'the closed line to be emptied');
    const entries = await journaled(eventId, 'user.removed', ['b', 'c']);
    const removed = entries.filter((e) => e.type === 'user.removed');
    expect(removed.map((e) => e.id).sort()).toEqual(['b', 'c']);
    for (const entry of removed) expect(entry.payload.reason).toBe('EVENT_CLOSED');
    expect(await poll(c.ticket)).toMatchObject({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });

    const refused = await foyer.http.post('/v1/queue/enter', { eventId, id: 'd' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('EVENT_NOT_OPEN');
  });

  scenario('journals configuration changes and queue changes in order, each once', async () => {
    const eventId = await createEvent({ limitCnt: 1 });
    const a = await enter(eventId, 'a');
    // Queue entries reach the journal through the forwarder, configuration changes directly: the
    // order between the two is the order in which they reached it, so let the first one arrive.
    await journaled(eventId, 'user.admitted', ['a']);
    expect((await api.patchEvent(eventId, { message: 'hello' })).status).toBe(200);
    const exit = await foyer.http.post('/v1/active/exit', { successToken: a.successToken });
    expect(exit.status).toBe(200);

    const entries = await eventually(
      async () => {
        const all = await journalOf(eventId);
        return all.some((e) => e.type === 'user.exited') && all;
      },
      WITHIN,
      'the exit in the journal',
    );
    expect(entries.map((e) => [e.type, e.id ?? null])).toEqual([
      ['event.created', null],
      ['queue.configured', null], // the store built the event (through its outbox, as every queue change)
      ['user.admitted', 'a'],
      ['event.updated', null],
      ['queue.configured', null], // the store's copy of the settings rewritten
      ['user.exited', 'a'],
    ]);
    const offsets = entries.map((e) => e.offset);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect([...offsets].sort((x, y) => x - y)).toEqual(offsets);
  });

  if (mode === 'redis-cluster') {
    it('spread its events over all three masters of the cluster', async () => {
      await expectKeysOnEveryMaster(backing.cluster!, backing.env.REDIS_KEY_PREFIX);
    });
  }
});
