/**
 * The one behaviour both queue stores must have: this suite is where it is written down (with the
 * headers of the Lua scripts, which say what each operation takes and answers). A store file runs it with
 * `describeQueueStoreContract(name, makeHarness)`; a behaviour only one store has is a bug.
 *
 * Time: every case moves time only through `harness.elapse(ms)` — a fake clock for the memory
 * store, a real sleep for Redis. So whatever must lapse is set SHORT and elapsed well past, and
 * whatever must not lapse is set to a minute; the few cases that need both at once use
 * TIMEOUT_MS with HALF_MS steps (two steps lapse it, one does not, with 400 ms to spare).
 */
import { randomUUID } from 'node:crypto';

import type { EnterKey, EnterResult, Place, PlaceState, PollResult, QueueConfig, QueueJournalEntry, QueueStore } from '@foyer/domain';

import { enterKeyOf } from '../libs/application/src/enter/enter-key.js';

import { EXIT_PROMOTE_MAX } from '../libs/queue-store/src/exit-promotion.js';
import { configureOrBuild } from '../libs/queue-store/src/new-event.js';

export interface StoreHarness {
  store: QueueStore;
  /** Lets `ms` pass on the store's clock (moves a fake clock, or sleeps). */
  elapse(ms: number): Promise<void>;
  /**
   * The two halves of `store.poll`, each alone: the heartbeat (heartbeat-3.lua, `EventQueue.heartbeat`)
   * answers a live waiter in one integer (rank, -retryAfterMs, or 0), and the full poll (poll-9.lua,
   * `EventQueue.poll`) answers everything, but `store.poll` reaches it only when the heartbeat
   * answered 0. So only here can a case check that the two agree.
   */
  heartbeat(place: Place): Promise<number>;
  fullPoll(place: Place): Promise<PollResult>;
  cleanup(): Promise<void>;
}

/** Never lapses during a case. */
const LONG_MS = 60_000;
/** Lapses after PAST_SHORT_MS. */
const SHORT_MS = 400;
const PAST_SHORT_MS = 600;
/** Lapses after two HALF_MS steps, not after one. */
const TIMEOUT_MS = 1_000;
const HALF_MS = 600;
/** Real-time runs sleep a few seconds in some cases. */
const CASE_TIMEOUT_MS = 30_000;

type Change = [type: string, id: string, payload: Record<string, unknown>];

export function describeQueueStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`QueueStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: QueueStore;
    let eventId: string;

    beforeEach(async () => {
      harness = await makeHarness();
      store = harness.store;
      eventId = `contract-${randomUUID()}`;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    const scenario = (title: string, fn: () => Promise<void>) => it(title, fn, CASE_TIMEOUT_MS);

    // ---- helpers -------------------------------------------------------------------------------

    function settings(overrides: Partial<QueueConfig> = {}): QueueConfig {
      return {
        eventId,
        status: 'OPEN',
        limitCnt: 1,
        sessionTtlMs: LONG_MS,
        waitTimeoutMs: LONG_MS,
        pollRefusalMs: 0,
        blockReentry: false,
        version: 1,
        ...overrides,
      };
    }

    /**
     * Configures the event (building it the first time); later calls change only what they name.
     * The `queue.configured` entry each call journals is checked and acknowledged here, so the
     * cases below read the users' changes only (the 'rebuild' cases read it on purpose).
     */
    let current: QueueConfig | undefined;
    async function configure(overrides: Partial<QueueConfig> = {}): Promise<void> {
      current = { ...(current?.eventId === eventId ? current : settings()), ...overrides };
      await configureOrBuild(store, current);
      const configured = (await store.readJournal(eventId, 100_000)).filter((entry) => entry.type === 'queue.configured');
      // One entry per write; none for a stale configure, which writes nothing.
      expect(configured.length).toBeLessThanOrEqual(1);
      for (const entry of configured) expect(entry).toMatchObject({ id: '', payload: { closedSeq: expect.any(Number), epoch: expect.any(String) } });
      await store.ackJournal(
        eventId,
        configured.map((entry) => entry.entryId),
      );
    }

    function placed(result: EnterResult): Extract<PlaceState, { status: 'WAIT' | 'ENTER' }> {
      if (result.outcome !== 'PLACED') throw new Error(`expected PLACED, got ${JSON.stringify(result)}`);
      return result.state;
    }

    async function enterAdmitted(id: string): Promise<Extract<PlaceState, { status: 'ENTER' }>> {
      const state = placed(await store.enter(eventId, id));
      if (state.status !== 'ENTER') throw new Error(`expected ENTER for ${id}, got ${JSON.stringify(state)}`);
      return state;
    }

    async function enterWaiting(id: string): Promise<Extract<PlaceState, { status: 'WAIT' }>> {
      const state = placed(await store.enter(eventId, id));
      if (state.status !== 'WAIT') throw new Error(`expected WAIT for ${id}, got ${JSON.stringify(state)}`);
      return state;
    }

    async function stateOf(place: Place): Promise<PlaceState> {
      const result = await store.poll(place);
      if (result.outcome !== 'STATE') throw new Error(`expected STATE, got ${JSON.stringify(result)}`);
      return result.state;
    }

    /** The state without the echoed place, for short assertions. */
    async function statusOf(place: Place): Promise<Record<string, unknown>> {
      const { place: echoed, ...rest } = await stateOf(place);
      expect(echoed).toEqual(place);
      return rest;
    }

    /**
     * The event's outbox, each payload without what every entry of one store carries: its `epoch`
     * (checked to be the event's one epoch) and, on `user.admitted`, the session's `admittedAt` and
     * `jti` (checked to be `epoch.seq`). The 'rebuild' cases read them whole.
     */
    async function journal(): Promise<QueueJournalEntry[]> {
      const entries = await store.readJournal(eventId, 100_000);
      const epochs = new Set(entries.map((entry) => entry.payload.epoch));
      expect(epochs.size).toBeLessThanOrEqual(1);
      return entries.map((entry) => {
        const { epoch, admittedAt, jti, ...payload } = entry.payload;
        expect(typeof epoch).toBe('string');
        if (entry.type === 'user.admitted') {
          expect(jti).toBe(`${String(epoch)}.${String(payload.seq)}`);
          expect(typeof admittedAt).toBe('number');
          return { ...entry, payload };
        }
        return { ...entry, payload: admittedAt === undefined && jti === undefined ? payload : entry.payload };
      });
    }

    async function changes(): Promise<Change[]> {
      return (await journal()).map((entry) => [entry.type, entry.id, entry.payload]);
    }

    /** Changes journaled since `mark` (a count from `changes()`). */
    async function changesSince(mark: number): Promise<Change[]> {
      return (await changes()).slice(mark);
    }

    async function journalLength(): Promise<number> {
      return (await journal()).length;
    }

    // ---- configuration -------------------------------------------------------------------------

    describe('configure', () => {
      scenario('configVersion is null before configure and follows each configure', async () => {
        expect(await store.configVersion(eventId)).toBeNull();
        await configure({ version: 7 });
        expect(await store.configVersion(eventId)).toBe(7);
        await configure({ version: 8, limitCnt: 3 });
        expect(await store.configVersion(eventId)).toBe(8);
      });

      scenario('a configure older than the cached one is ignored: a stale writer never undoes a change', async () => {
        await configure({ version: 5, limitCnt: 1, status: 'PAUSED' });
        await configure({ version: 4, limitCnt: 1, status: 'OPEN' });
        expect(await store.configVersion(eventId)).toBe(5);
        // Still PAUSED: a place with room to spare waits instead of being admitted.
        expect(await store.enter(eventId, 'p')).toMatchObject({ outcome: 'PLACED', state: { status: 'WAIT' } });
        await configure({ version: 6, limitCnt: 1, status: 'OPEN' });
        expect(await store.configVersion(eventId)).toBe(6);
        expect(await store.promote(eventId, 10)).toEqual({ admitted: 1, abandoned: 0 });
      });

      scenario('a later configure keeps the epoch and every place', async () => {
        await configure({ limitCnt: 0 });
        const waiting = await enterWaiting('w');
        await configure({ version: 2, limitCnt: 0, sessionTtlMs: LONG_MS * 2, status: 'PAUSED' });
        await configure({ version: 3, limitCnt: 0, status: 'OPEN' });
        expect(await statusOf(waiting.place)).toEqual({ status: 'WAIT', rank: 1, measuredRate: null });
      });

      scenario('dropEvent removes the queue state; a re-created event has a new epoch', async () => {
        await configure({ limitCnt: 1 });
        const admitted = await enterAdmitted('a');
        const waiting = await enterWaiting('w');
        const mark = await journalLength();

        await store.dropEvent(eventId);
        expect(await store.configVersion(eventId)).toBeNull();
        expect(await store.enter(eventId, 'x')).toEqual({ outcome: 'NO_EVENT' });
        expect(await store.stats(eventId)).toEqual({
          waiting: 0,
          active: 0,
          admittedTotal: 0,
          exitedTotal: 0,
          expiredTotal: 0,
          abandonedTotal: 0,
        });
        expect(await journalLength()).toBe(mark); // the journal outlives the event

        await configure({ limitCnt: 1 });
        const again = await enterAdmitted('a');
        expect(again.place.epoch).not.toBe(admitted.place.epoch);
        expect(again.place.seq).toBe(1);
        expect(await statusOf(admitted.place)).toEqual({ status: 'EXPIRED', reason: 'PLACE_LOST' });
        expect(await statusOf(waiting.place)).toEqual({ status: 'EXPIRED', reason: 'PLACE_LOST' });
      });

      scenario('an event first configured as DRAFT opens normally', async () => {
        await configure({ status: 'DRAFT' });
        expect(await store.enter(eventId, 'a')).toEqual({ outcome: 'NOT_OPEN', status: 'DRAFT' });
        await configure({ status: 'OPEN', limitCnt: 1 });
        const admitted = await enterAdmitted('a');
        const waiting = await enterWaiting('b');
        expect(await statusOf(admitted.place)).toMatchObject({ status: 'ENTER' });
        expect(await statusOf(waiting.place)).toEqual({ status: 'WAIT', rank: 1, measuredRate: null });
      });
    });

    // ---- enter ---------------------------------------------------------------------------------

    describe('enter', () => {
      scenario('an unknown event answers NO_EVENT', async () => {
        expect(await store.enter(eventId, 'a')).toEqual({ outcome: 'NO_EVENT' });
      });

      scenario('DRAFT and CLOSED refuse with NOT_OPEN and journal nothing', async () => {
        await configure({ status: 'DRAFT' });
        expect(await store.enter(eventId, 'a')).toEqual({ outcome: 'NOT_OPEN', status: 'DRAFT' });
        await configure({ status: 'CLOSED' });
        expect(await store.enter(eventId, 'a')).toEqual({ outcome: 'NOT_OPEN', status: 'CLOSED' });
        expect(await journalLength()).toBe(0);
        expect((await store.stats(eventId)).waiting).toBe(0);
      });

      scenario('refusesEntry comes first: DRAFT and CLOSED refuse even an id that holds a place, and take no seq', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        await enterWaiting('b');
        for (const status of ['CLOSED', 'DRAFT'] as const) {
          await configure({ status });
          const mark = await journalLength();
          for (const id of ['a', 'b', 'x']) expect(await store.enter(eventId, id)).toEqual({ outcome: 'NOT_OPEN', status });
          expect(await journalLength()).toBe(mark); // not even the closed place of b is ended by a refusal
        }
        await configure({ status: 'OPEN' });
        expect((await enterWaiting('c')).place.seq).toBe(3);
      });

      scenario('OPEN with room and nobody waiting admits at once: one user.admitted, immediate', async () => {
        await configure({ limitCnt: 2, sessionTtlMs: LONG_MS });
        const state = await enterAdmitted('a');
        expect(state.place).toEqual({ eventId, id: 'a', seq: 1, epoch: expect.any(String) });
        expect(state.place.epoch.length).toBeGreaterThan(0);
        expect(state.session.expiresAt - state.session.admittedAt).toBe(LONG_MS);
        expect(state.session.successToken).toBeNull();

        const entries = await journal();
        expect(entries).toHaveLength(1);
        expect(entries[0]).toEqual({
          entryId: expect.any(String),
          type: 'user.admitted',
          eventId,
          id: 'a',
          at: expect.any(Number),
          payload: { seq: 1, expiresAt: state.session.expiresAt, immediate: true },
        });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 1, admittedTotal: 1 });
      });

      scenario('a full event queues at the back with 1-based FIFO ranks and user.entered', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        const b = await enterWaiting('b');
        const c = await enterWaiting('c');
        expect(b).toEqual({ status: 'WAIT', place: { eventId, id: 'b', seq: 2, epoch: expect.any(String) }, rank: 1, measuredRate: null });
        expect(c.place.seq).toBe(3);
        expect(c.rank).toBe(2);
        expect(await changes()).toEqual([
          ['user.admitted', 'a', expect.objectContaining({ seq: 1, immediate: true })],
          ['user.entered', 'b', { seq: 2 }],
          ['user.entered', 'c', { seq: 3 }],
        ]);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 2, active: 1, admittedTotal: 1 });
      });

      scenario('someone waiting makes a newcomer queue even when there is room', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        await enterWaiting('b');
        await configure({ limitCnt: 5 });
        const c = await enterWaiting('c');
        expect(c.rank).toBe(2);
        expect((await store.stats(eventId)).active).toBe(1);
      });

      scenario('PAUSED queues and admits nobody; limitCnt 0 admits nobody', async () => {
        await configure({ status: 'PAUSED', limitCnt: 5 });
        expect((await enterWaiting('a')).rank).toBe(1);
        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 0, abandoned: 0 });
        await configure({ status: 'OPEN', limitCnt: 0 });
        expect((await enterWaiting('b')).rank).toBe(2);
        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 0, abandoned: 0 });
        await configure({ status: 'OPEN', limitCnt: 5 });
        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 2, abandoned: 0 });
      });

      scenario('an id that waits or is admitted answers ALREADY_QUEUED and changes nothing', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        await enterWaiting('b');
        const mark = await journalLength();
        expect(await store.enter(eventId, 'a')).toEqual({ outcome: 'ALREADY_QUEUED' });
        expect(await store.enter(eventId, 'b')).toEqual({ outcome: 'ALREADY_QUEUED' });
        expect(await journalLength()).toBe(mark);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 1, active: 1, admittedTotal: 1 });
        expect((await enterWaiting('c')).place.seq).toBe(3); // refusals took no seq
      });

      scenario('a lapsed place is abandoned and the id starts again at the back', async () => {
        await configure({ limitCnt: 1, waitTimeoutMs: TIMEOUT_MS });
        await enterAdmitted('a');
        const old = await enterWaiting('b');
        await harness.elapse(HALF_MS);
        await enterWaiting('c');
        await harness.elapse(HALF_MS); // b is stale, c is not
        const mark = await journalLength();

        const again = await enterWaiting('b');
        expect(again.place.seq).toBe(4);
        expect(again.rank).toBe(2); // behind c
        expect(await changesSince(mark)).toEqual([
          ['user.abandoned', 'b', { seq: old.place.seq }],
          ['user.entered', 'b', { seq: 4 }],
        ]);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 2, abandonedTotal: 1 });
      });

      scenario('a lapsed session is ended (user.expired) and, without blockReentry, the id enters again', async () => {
        await configure({ limitCnt: 1, sessionTtlMs: SHORT_MS, blockReentry: false });
        const first = await enterAdmitted('a');
        await harness.elapse(PAST_SHORT_MS);
        const mark = await journalLength();

        const again = await enterAdmitted('a');
        expect(again.place.seq).toBe(2);
        expect(await changesSince(mark)).toEqual([
          ['user.expired', 'a', { seq: first.place.seq }],
          ['user.admitted', 'a', { seq: 2, expiresAt: again.session.expiresAt, immediate: true }],
        ]);
        expect(await store.stats(eventId)).toMatchObject({ active: 1, admittedTotal: 2, expiredTotal: 1 });
      });

      scenario('a lapsed session with blockReentry is ended and the id is BLOCKED', async () => {
        await configure({ limitCnt: 1, sessionTtlMs: SHORT_MS, blockReentry: true });
        const first = await enterAdmitted('a');
        await harness.elapse(PAST_SHORT_MS);
        const mark = await journalLength();

        expect(await store.enter(eventId, 'a')).toEqual({ outcome: 'BLOCKED' });
        expect(await changesSince(mark)).toEqual([['user.expired', 'a', { seq: first.place.seq }]]);
        expect(await store.stats(eventId)).toMatchObject({ active: 0, expiredTotal: 1 });
      });

      scenario('after an exit, blockReentry BLOCKs the id; without it the id takes a new place', async () => {
        await configure({ limitCnt: 1, blockReentry: true });
        const blocked = await enterAdmitted('a');
        expect(await store.exit(blocked.place)).toEqual({ outcome: 'EXITED', admitted: 0 });
        expect(await store.enter(eventId, 'a')).toEqual({ outcome: 'BLOCKED' });
        expect(await statusOf(blocked.place)).toEqual({ status: 'BLOCK' });

        await configure({ blockReentry: false });
        const again = await enterAdmitted('a');
        expect(again.place.seq).toBe(2);
        expect(await statusOf(blocked.place)).toEqual({ status: 'EXPIRED', reason: 'EXITED' });
      });

      scenario('the place of a closed-then-reopened event is removed and the id starts again', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        const old = await enterWaiting('b');
        await configure({ status: 'CLOSED' });
        await configure({ status: 'OPEN' });
        const mark = await journalLength();

        const again = await enterWaiting('b');
        expect(again.place.seq).toBe(3);
        expect(again.rank).toBe(1);
        expect(await changesSince(mark)).toEqual([
          ['user.removed', 'b', { seq: old.place.seq, reason: 'EVENT_CLOSED' }],
          ['user.entered', 'b', { seq: 3 }],
        ]);
        expect((await store.stats(eventId)).abandonedTotal).toBe(0); // removal has no counter
      });
    });

    // ---- enter with an Idempotency-Key ---------------------------------------------------------

    describe('enter with an idempotency key', () => {
      /** A key as EnterQueue makes it from the header (its SHA-256, and the server-made id it derives). */
      const keyOf = (name: string): EnterKey => enterKeyOf(`contract-key-${name}-0123456789`);

      function held(result: EnterResult): PlaceState {
        if (result.outcome !== 'HELD') throw new Error(`expected HELD, got ${JSON.stringify(result)}`);
        return result.state;
      }

      scenario('the key is recorded with the place: a retry answers that place (HELD) and changes nothing; user.entered carries the hash', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        const key = keyOf('b');
        const first = placed(await store.enter(eventId, 'b', { key }));
        expect(first).toMatchObject({ status: 'WAIT', rank: 1 });
        const mark = await journalLength();

        const retry = held(await store.enter(eventId, 'b', { key }));
        expect(retry).toEqual({ status: 'WAIT', place: first.place, rank: 1, measuredRate: null });
        expect(await journalLength()).toBe(mark);
        expect(await changes()).toContainEqual(['user.entered', 'b', { seq: first.place.seq, idem: key.hash }]);
        expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 1, active: 1 });
        expect((await enterWaiting('c')).place.seq).toBe(first.place.seq + 1); // the retry took no seq
      });

      scenario('an immediate admission journals the hash in user.admitted; its retry answers the session with its token', async () => {
        await configure({ limitCnt: 1 });
        const key = keyOf('a');
        const first = placed(await store.enter(eventId, 'a', { key }));
        if (first.status !== 'ENTER') throw new Error('expected ENTER');
        expect(await changes()).toEqual([['user.admitted', 'a', { seq: 1, expiresAt: first.session.expiresAt, immediate: true, idem: key.hash }]]);
        await store.saveSuccessToken(first.place, 'token-a');

        expect(held(await store.enter(eventId, 'a', { key }))).toEqual({
          status: 'ENTER',
          place: first.place,
          session: { ...first.session, successToken: 'token-a' },
        });
        expect(await store.stats(eventId)).toMatchObject({ active: 1, admittedTotal: 1 });
      });

      scenario('the same key for another id is KEY_REUSED and changes nothing', async () => {
        await configure({ limitCnt: 0 });
        const key = keyOf('b');
        await store.enter(eventId, 'b', { key });
        const mark = await journalLength();
        expect(await store.enter(eventId, 'other', { key })).toEqual({ outcome: 'KEY_REUSED' });
        expect(await store.enter(eventId, key.serverId, { key })).toEqual({ outcome: 'KEY_REUSED' }); // as a server-made id
        expect(await journalLength()).toBe(mark);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 1 });
      });

      scenario("a server-made id derived from the key is the key's record: no hash journaled, a retry is HELD, a named id is KEY_REUSED", async () => {
        await configure({ limitCnt: 0 });
        const key = keyOf('server-made');
        const first = placed(await store.enter(eventId, key.serverId, { key }));
        expect(await changes()).toEqual([['user.entered', key.serverId, { seq: 1 }]]);

        expect(held(await store.enter(eventId, key.serverId, { key }))).toMatchObject({ status: 'WAIT', place: first.place });
        expect(await store.enter(eventId, 'named', { key })).toEqual({ outcome: 'KEY_REUSED' });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 1 });
        expect(await journalLength()).toBe(1);
      });

      scenario('after the place lapsed the key answers its current EXPIRED state, ending it, and never takes a new place', async () => {
        await configure({ limitCnt: 0, waitTimeoutMs: SHORT_MS });
        const key = keyOf('b');
        const first = placed(await store.enter(eventId, 'b', { key }));
        await harness.elapse(PAST_SHORT_MS);
        const mark = await journalLength();

        expect(held(await store.enter(eventId, 'b', { key }))).toEqual({ status: 'EXPIRED', place: first.place, reason: 'WAIT_TIMEOUT' });
        expect(await changesSince(mark)).toEqual([['user.abandoned', 'b', { seq: first.place.seq }]]);
        // The place is gone now: the key still answers, and still takes nothing.
        expect(held(await store.enter(eventId, 'b', { key }))).toMatchObject({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, abandonedTotal: 1 });
        expect(await journalLength()).toBe(mark + 1);
      });

      scenario('a lapsed or exited session answers SESSION_ENDED, EXITED, or BLOCK with blockReentry', async () => {
        await configure({ limitCnt: 2, sessionTtlMs: SHORT_MS });
        const keyA = keyOf('a');
        const keyS = keyOf('s');
        const a = placed(await store.enter(eventId, 'a', { key: keyA }));
        const server = placed(await store.enter(eventId, keyS.serverId, { key: keyS }));
        await store.exit(a.place);
        await harness.elapse(PAST_SHORT_MS);

        expect(held(await store.enter(eventId, 'a', { key: keyA }))).toMatchObject({ status: 'EXPIRED', reason: 'EXITED' });
        expect(held(await store.enter(eventId, keyS.serverId, { key: keyS }))).toEqual({
          status: 'EXPIRED',
          place: server.place,
          reason: 'SESSION_ENDED',
        });
        await configure({ blockReentry: true });
        expect(held(await store.enter(eventId, 'a', { key: keyA }))).toEqual({ status: 'BLOCK', place: a.place });
        expect(await store.stats(eventId)).toMatchObject({ active: 0, admittedTotal: 2 });
      });

      scenario('the key comes before the status: a closed event answers the place the key took', async () => {
        await configure({ limitCnt: 0 });
        const key = keyOf('b');
        const first = placed(await store.enter(eventId, 'b', { key }));
        await configure({ status: 'CLOSED' });
        expect(held(await store.enter(eventId, 'b', { key }))).toEqual({ status: 'EXPIRED', place: first.place, reason: 'EVENT_CLOSED' });
        expect(await store.enter(eventId, 'b', { key: keyOf('new') })).toEqual({ outcome: 'NOT_OPEN', status: 'CLOSED' });
      });

      scenario('a new place of the id forgets its earlier key; dropEvent forgets every key', async () => {
        await configure({ limitCnt: 1 });
        const first = keyOf('first');
        const second = keyOf('second');
        const a = placed(await store.enter(eventId, 'a', { key: first }));
        await store.exit(a.place);
        const again = placed(await store.enter(eventId, 'a', { key: second }));
        expect(again.place.seq).toBe(2);

        // The first key no longer names a place: it enters as any keyless retry would, and is refused.
        expect(await store.enter(eventId, 'a', { key: first })).toEqual({ outcome: 'ALREADY_QUEUED' });
        expect(held(await store.enter(eventId, 'a', { key: second }))).toMatchObject({ status: 'ENTER', place: again.place });
        // A keyless new place forgets the key too.
        await store.exit(again.place);
        const keyless = placed(await store.enter(eventId, 'a'));
        expect(await store.enter(eventId, 'a', { key: second })).toEqual({ outcome: 'ALREADY_QUEUED' });

        await store.dropEvent(eventId);
        await configure({ limitCnt: 1 });
        const fresh = placed(await store.enter(eventId, 'b', { key: second }));
        expect(fresh.place.seq).toBe(1);
        expect(fresh.place.epoch).not.toBe(keyless.place.epoch);
      });

      scenario('answerHeld (a proven id): what the id holds is answered (HELD) instead of ALREADY_QUEUED', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        const mark = await journalLength();

        expect(held(await store.enter(eventId, 'a', { answerHeld: true }))).toMatchObject({ status: 'ENTER', place: a.place });
        expect(held(await store.enter(eventId, 'b', { answerHeld: true }))).toEqual({ status: 'WAIT', place: b.place, rank: 1, measuredRate: null });
        expect(await store.enter(eventId, 'b')).toEqual({ outcome: 'ALREADY_QUEUED' });
        expect(await journalLength()).toBe(mark);
        // Nothing held: a new place as usual.
        expect(placed(await store.enter(eventId, 'c', { answerHeld: true }))).toMatchObject({ status: 'WAIT', rank: 2 });
      });
    });

    // ---- poll ----------------------------------------------------------------------------------

    describe('poll', () => {
      scenario('an unknown event answers NO_EVENT; another epoch is EXPIRED PLACE_LOST', async () => {
        const ghost: Place = { eventId, id: 'a', seq: 1, epoch: 'nope' };
        expect(await store.poll(ghost)).toEqual({ outcome: 'NO_EVENT' });
        await configure({ limitCnt: 0 });
        const waiting = await enterWaiting('a');
        const mark = await journalLength();
        const lost = { ...waiting.place, epoch: `${waiting.place.epoch}-other` };
        expect(await statusOf(lost)).toEqual({ status: 'EXPIRED', reason: 'PLACE_LOST' });
        expect(await journalLength()).toBe(mark);
        expect(await statusOf(waiting.place)).toEqual({ status: 'WAIT', rank: 1, measuredRate: null });
      });

      scenario('WAIT ranks move up as the people ahead are admitted, in arrival order', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        const c = await enterWaiting('c');
        const d = await enterWaiting('d');
        expect(await statusOf(d.place)).toMatchObject({ status: 'WAIT', rank: 3 });

        expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 1 });
        expect(await statusOf(b.place)).toMatchObject({ status: 'ENTER' });
        expect(await statusOf(c.place)).toMatchObject({ status: 'WAIT', rank: 1 });
        expect(await statusOf(d.place)).toMatchObject({ status: 'WAIT', rank: 2 });
      });

      scenario('ENTER carries the session, with the successToken once saved', async () => {
        await configure({ limitCnt: 1, sessionTtlMs: LONG_MS });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        await store.exit(a.place);

        const entered = await stateOf(b.place);
        if (entered.status !== 'ENTER') throw new Error(`expected ENTER, got ${entered.status}`);
        expect(entered.session.expiresAt - entered.session.admittedAt).toBe(LONG_MS);
        expect(entered.session.successToken).toBeNull();
        await store.saveSuccessToken(b.place, 'token-b');
        expect(await statusOf(b.place)).toEqual({ status: 'ENTER', session: { ...entered.session, successToken: 'token-b' } });
      });

      scenario('a stale waiter is abandoned by its own poll: EXPIRED WAIT_TIMEOUT', async () => {
        await configure({ limitCnt: 0, waitTimeoutMs: SHORT_MS });
        const b = await enterWaiting('b');
        await harness.elapse(PAST_SHORT_MS);
        const mark = await journalLength();

        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
        expect(await changesSince(mark)).toEqual([['user.abandoned', 'b', { seq: b.place.seq }]]);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, abandonedTotal: 1 });
        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
        expect(await journalLength()).toBe(mark + 1);
      });

      scenario('polls are heartbeats that keep a place past the wait timeout', async () => {
        await configure({ limitCnt: 0, waitTimeoutMs: TIMEOUT_MS });
        const b = await enterWaiting('b');
        await harness.elapse(HALF_MS);
        expect(await statusOf(b.place)).toMatchObject({ status: 'WAIT', rank: 1 });
        await harness.elapse(HALF_MS); // past the timeout counted from the enter
        expect(await statusOf(b.place)).toMatchObject({ status: 'WAIT', rank: 1 });
        expect(await store.sweep(eventId, 100)).toEqual({ expired: 0, abandoned: 0, removed: 0 });
        expect((await store.stats(eventId)).waiting).toBe(1);
      });

      scenario('a poll sooner than pollRefusalMs is TOO_FREQUENT with the time left, and changes nothing', async () => {
        await configure({ limitCnt: 0, pollRefusalMs: LONG_MS });
        const b = await enterWaiting('b');
        const mark = await journalLength();
        const first = await store.poll(b.place);
        expect(first).toEqual({ outcome: 'TOO_FREQUENT', retryAfterMs: expect.any(Number) });
        const firstRetry = (first as { retryAfterMs: number }).retryAfterMs;
        expect(firstRetry).toBeGreaterThan(0);
        expect(firstRetry).toBeLessThanOrEqual(LONG_MS);

        await harness.elapse(HALF_MS);
        const later = await store.poll(b.place);
        expect(later).toEqual({ outcome: 'TOO_FREQUENT', retryAfterMs: expect.any(Number) });
        expect((later as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(LONG_MS - HALF_MS);
        expect((later as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
        expect(await journalLength()).toBe(mark);
      });

      scenario('a refused poll is not a heartbeat', async () => {
        await configure({ limitCnt: 0, waitTimeoutMs: TIMEOUT_MS, pollRefusalMs: LONG_MS });
        const b = await enterWaiting('b');
        await harness.elapse(HALF_MS);
        expect((await store.poll(b.place)).outcome).toBe('TOO_FREQUENT');
        await harness.elapse(HALF_MS); // stale counted from the enter, not from the refused poll
        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
      });

      scenario('an accepted poll after the refusal window is a heartbeat again', async () => {
        await configure({ limitCnt: 0, waitTimeoutMs: LONG_MS, pollRefusalMs: SHORT_MS });
        const b = await enterWaiting('b');
        expect((await store.poll(b.place)).outcome).toBe('TOO_FREQUENT');
        await harness.elapse(PAST_SHORT_MS);
        expect(await statusOf(b.place)).toMatchObject({ status: 'WAIT', rank: 1 });
        expect((await store.poll(b.place)).outcome).toBe('TOO_FREQUENT'); // the accepted poll reset the window
      });

      scenario('admitted users are not paced', async () => {
        await configure({ limitCnt: 1, pollRefusalMs: LONG_MS });
        const a = await enterAdmitted('a');
        expect(await statusOf(a.place)).toMatchObject({ status: 'ENTER' });
        expect(await statusOf(a.place)).toMatchObject({ status: 'ENTER' });
      });

      scenario('a lapsed session is ended by its poll: EXPIRED SESSION_ENDED', async () => {
        await configure({ limitCnt: 1, sessionTtlMs: SHORT_MS, blockReentry: false });
        const a = await enterAdmitted('a');
        await harness.elapse(PAST_SHORT_MS);
        const mark = await journalLength();

        expect(await statusOf(a.place)).toEqual({ status: 'EXPIRED', reason: 'SESSION_ENDED' });
        expect(await changesSince(mark)).toEqual([['user.expired', 'a', { seq: a.place.seq }]]);
        expect(await store.stats(eventId)).toMatchObject({ active: 0, expiredTotal: 1 });
        expect(await statusOf(a.place)).toEqual({ status: 'EXPIRED', reason: 'SESSION_ENDED' });
        expect(await journalLength()).toBe(mark + 1);
      });

      scenario('a lapsed session with blockReentry answers BLOCK', async () => {
        await configure({ limitCnt: 1, sessionTtlMs: SHORT_MS, blockReentry: true });
        const a = await enterAdmitted('a');
        await harness.elapse(PAST_SHORT_MS);
        expect(await statusOf(a.place)).toEqual({ status: 'BLOCK' });
        expect((await store.stats(eventId)).expiredTotal).toBe(1);
      });

      scenario('after an exit: EXPIRED EXITED, or BLOCK with blockReentry', async () => {
        await configure({ limitCnt: 2, blockReentry: false });
        const a = await enterAdmitted('a');
        await store.exit(a.place);
        expect(await statusOf(a.place)).toEqual({ status: 'EXPIRED', reason: 'EXITED' });
        await configure({ blockReentry: true });
        expect(await statusOf(a.place)).toEqual({ status: 'BLOCK' });
      });

      scenario('closing the event ends waiting places at once (user.removed); sessions run out', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        await configure({ status: 'CLOSED' });
        const mark = await journalLength();

        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });
        expect(await changesSince(mark)).toEqual([['user.removed', 'b', { seq: b.place.seq, reason: 'EVENT_CLOSED' }]]);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 1, abandonedTotal: 0 });
        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });
        expect(await statusOf(a.place)).toMatchObject({ status: 'ENTER' });
      });

      scenario('DRAFT ends waiting places like CLOSED', async () => {
        await configure({ limitCnt: 0 });
        const b = await enterWaiting('b');
        await configure({ status: 'DRAFT' });
        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });
      });

      scenario('places from before a close stay EVENT_CLOSED after re-opening; later places live', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        const b = await enterWaiting('b');
        await configure({ status: 'CLOSED' });
        await configure({ status: 'OPEN', limitCnt: 2 });
        const c = await enterWaiting('c'); // b is still in the line until something removes it
        const mark = await journalLength();

        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 1, abandoned: 0 });
        expect(await changesSince(mark)).toEqual([
          ['user.removed', 'b', { seq: b.place.seq, reason: 'EVENT_CLOSED' }],
          ['user.admitted', 'c', { seq: c.place.seq, expiresAt: expect.any(Number), immediate: false }],
        ]);
        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });
        expect(await statusOf(c.place)).toMatchObject({ status: 'ENTER' });
      });

      scenario('a place that is simply gone answers EXPIRED WAIT_TIMEOUT', async () => {
        await configure({ limitCnt: 0 });
        const real = await enterWaiting('a');
        expect(await statusOf({ ...real.place, id: 'never-entered' })).toEqual({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
        expect(await statusOf({ ...real.place, seq: real.place.seq + 10 })).toEqual({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
      });

      scenario('a second close ends the places taken since the first; PAUSED ends none', async () => {
        await configure({ limitCnt: 0 });
        await enterWaiting('b');
        await configure({ status: 'CLOSED' });
        await configure({ status: 'OPEN' });
        const c = await enterWaiting('c');
        await configure({ status: 'PAUSED' });
        expect(await statusOf(c.place)).toMatchObject({ status: 'WAIT' });
        await configure({ status: 'CLOSED' });
        expect(await statusOf(c.place)).toEqual({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });
      });
    });

    // ---- the two halves of a poll --------------------------------------------------------------

    describe('heartbeat and full poll', () => {
      /**
       * Asks the heartbeat, then the full poll, about one place: a heartbeat that answers must
       * answer as the full poll does, and one that answers 0 must have changed nothing.
       */
      async function bothHalves(place: Place): Promise<{ heartbeat: number; full: PollResult }> {
        const mark = await journalLength();
        const heartbeat = await harness.heartbeat(place);
        if (heartbeat === 0) expect(await journalLength()).toBe(mark);
        const full = await harness.fullPoll(place);
        if (heartbeat > 0) {
          expect(full).toEqual({ outcome: 'STATE', state: { status: 'WAIT', place, rank: heartbeat, measuredRate: null } });
        } else if (heartbeat < 0) {
          expect(full).toEqual({ outcome: 'TOO_FREQUENT', retryAfterMs: expect.any(Number) });
        } else {
          expect(full.outcome === 'TOO_FREQUENT' || (full.outcome === 'STATE' && full.state.status === 'WAIT')).toBe(false);
        }
        return { heartbeat, full };
      }

      scenario('the heartbeat answers a live waiter as the full poll does, and leaves every other place to it', async () => {
        await configure({ limitCnt: 1, waitTimeoutMs: TIMEOUT_MS, blockReentry: false });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        await harness.elapse(HALF_MS);
        const c = await enterWaiting('c');
        await harness.elapse(HALF_MS); // b is stale, c is not

        expect((await bothHalves(c.place)).heartbeat).toBe(2); // b is still in the line until something ends it
        expect(await bothHalves(b.place)).toEqual({
          heartbeat: 0,
          full: { outcome: 'STATE', state: { status: 'EXPIRED', place: b.place, reason: 'WAIT_TIMEOUT' } },
        });
        expect((await bothHalves(c.place)).heartbeat).toBe(1);
        expect(await bothHalves(a.place)).toMatchObject({ heartbeat: 0, full: { state: { status: 'ENTER' } } });
        expect(await bothHalves({ ...c.place, epoch: 'other' })).toMatchObject({
          heartbeat: 0,
          full: { state: { status: 'EXPIRED', reason: 'PLACE_LOST' } },
        });
        expect(await bothHalves({ ...c.place, id: 'stranger' })).toMatchObject({
          heartbeat: 0,
          full: { state: { status: 'EXPIRED', reason: 'WAIT_TIMEOUT' } },
        });
        const unknownEvent = { ...c.place, eventId: `${eventId}-unknown` };
        expect(await bothHalves(unknownEvent)).toEqual({ heartbeat: 0, full: { outcome: 'NO_EVENT' } });

        expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 1 }); // admits c
        expect(await bothHalves(a.place)).toMatchObject({
          heartbeat: 0,
          full: { state: { status: 'EXPIRED', reason: 'EXITED' } },
        });
        expect(await bothHalves(c.place)).toMatchObject({ heartbeat: 0, full: { state: { status: 'ENTER' } } });

        const d = await enterWaiting('d');
        await configure({ status: 'CLOSED' });
        expect(await bothHalves(d.place)).toMatchObject({
          heartbeat: 0,
          full: { state: { status: 'EXPIRED', reason: 'EVENT_CLOSED' } },
        });
      });

      scenario('a poll too soon: both halves refuse with the same time left and change nothing', async () => {
        await configure({ limitCnt: 0, pollRefusalMs: LONG_MS });
        const b = await enterWaiting('b');
        const mark = await journalLength();
        const { heartbeat, full } = await bothHalves(b.place);
        expect(heartbeat).toBeLessThan(0);
        const retryAfterMs = (full as { retryAfterMs: number }).retryAfterMs;
        expect(retryAfterMs).toBeGreaterThan(0);
        expect(retryAfterMs).toBeLessThanOrEqual(-heartbeat); // asked a moment later
        expect(-heartbeat - retryAfterMs).toBeLessThan(HALF_MS);
        expect(await journalLength()).toBe(mark);
      });
    });

    // ---- successToken --------------------------------------------------------------------------

    describe('saveSuccessToken', () => {
      scenario('stores the first token of a session; later saves return it', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        expect(await store.saveSuccessToken(a.place, 'first')).toBe('first');
        expect(await store.saveSuccessToken(a.place, 'second')).toBe('first');
        expect(await statusOf(a.place)).toMatchObject({ status: 'ENTER', session: { successToken: 'first' } });
      });

      scenario('returns null for a waiting place, another epoch or seq, and a lapsed session', async () => {
        await configure({ limitCnt: 1, sessionTtlMs: SHORT_MS });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        expect(await store.saveSuccessToken(b.place, 't')).toBeNull();
        expect(await store.saveSuccessToken({ ...a.place, epoch: 'other' }, 't')).toBeNull();
        expect(await store.saveSuccessToken({ ...a.place, seq: 99 }, 't')).toBeNull();
        await harness.elapse(PAST_SHORT_MS);
        expect(await store.saveSuccessToken(a.place, 't')).toBeNull();
      });

      scenario('a new session of the same id starts without a token', async () => {
        await configure({ limitCnt: 1, blockReentry: false });
        const first = await enterAdmitted('a');
        await store.saveSuccessToken(first.place, 'old');
        await store.exit(first.place);
        const second = await enterAdmitted('a');
        expect(second.session.successToken).toBeNull();
        expect(await store.saveSuccessToken(second.place, 'new')).toBe('new');
        expect(await store.saveSuccessToken(first.place, 'stale')).toBeNull();
      });
    });

    // ---- exit ----------------------------------------------------------------------------------

    describe('exit', () => {
      scenario('NO_EVENT for an unknown event; EXPIRED for another epoch or a waiting place', async () => {
        expect(await store.exit({ eventId, id: 'a', seq: 1, epoch: 'e' })).toEqual({ outcome: 'NO_EVENT' });
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        expect(await store.exit({ ...a.place, epoch: 'other' })).toEqual({ outcome: 'EXPIRED' });
        expect(await store.exit(b.place)).toEqual({ outcome: 'EXPIRED' });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 1, active: 1, exitedTotal: 0 });
      });

      scenario('EXITED admits the next waiter in the same call; a repeat is ALREADY_EXITED', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        const mark = await journalLength();

        expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 1 });
        expect(await statusOf(b.place)).toMatchObject({ status: 'ENTER' });
        expect(await changesSince(mark)).toEqual([
          ['user.exited', 'a', { seq: a.place.seq }],
          ['user.admitted', 'b', { seq: b.place.seq, expiresAt: expect.any(Number), immediate: false }],
        ]);
        expect(await store.exit(a.place)).toEqual({ outcome: 'ALREADY_EXITED' });
        expect(await journalLength()).toBe(mark + 2);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 1, admittedTotal: 2, exitedTotal: 1 });
      });

      scenario('exiting a lapsed session is EXPIRED and ends it as expired', async () => {
        await configure({ limitCnt: 1, sessionTtlMs: SHORT_MS });
        const a = await enterAdmitted('a');
        await harness.elapse(PAST_SHORT_MS);
        const mark = await journalLength();
        expect(await store.exit(a.place)).toEqual({ outcome: 'EXPIRED' });
        expect(await changesSince(mark)).toEqual([['user.expired', 'a', { seq: a.place.seq }]]);
        expect(await store.exit(a.place)).toEqual({ outcome: 'EXPIRED' });
        expect(await store.stats(eventId)).toMatchObject({ active: 0, expiredTotal: 1, exitedTotal: 0 });
      });

      scenario('a token of an earlier session never ends a later one', async () => {
        await configure({ limitCnt: 1, blockReentry: false });
        const first = await enterAdmitted('a');
        expect(await store.exit(first.place)).toEqual({ outcome: 'EXITED', admitted: 0 });
        const second = await enterAdmitted('a');
        expect(await store.exit(first.place)).toEqual({ outcome: 'ALREADY_EXITED' });
        expect(await statusOf(second.place)).toMatchObject({ status: 'ENTER' });
        expect(await store.verify(second.place)).toEqual({ valid: true, expiresAt: second.session.expiresAt });
        expect(await store.stats(eventId)).toMatchObject({ active: 1, exitedTotal: 1 });
        expect(await store.exit(second.place)).toEqual({ outcome: 'EXITED', admitted: 0 });
        expect(await store.exit(first.place)).toEqual({ outcome: 'EXPIRED' }); // the exit record is the second session's now
        // ...so the first place is simply gone (poll-9.lua: a place that matches nothing)
        expect(await statusOf(first.place)).toEqual({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
      });

      scenario('an exit while PAUSED admits nobody', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        await configure({ status: 'PAUSED' });
        expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 0 });
        expect(await statusOf(b.place)).toMatchObject({ status: 'WAIT', rank: 1 });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 1, active: 0 });
      });

      scenario('an exit while CLOSED admits nobody and leaves the closed places to the poll and the sweep', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        await configure({ status: 'CLOSED' });
        const mark = await journalLength();
        expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 0 });
        expect(await changesSince(mark)).toEqual([['user.exited', 'a', { seq: a.place.seq }]]);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 1, active: 0 });
        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });
      });

      scenario('the exit skips stale heads (abandoned) to admit the next live waiter in the same step', async () => {
        await configure({ limitCnt: 1, waitTimeoutMs: TIMEOUT_MS });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        const c = await enterWaiting('c');
        await harness.elapse(HALF_MS);
        const d = await enterWaiting('d');
        await harness.elapse(HALF_MS); // b and c are stale, d is not
        const mark = await journalLength();

        expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 1 });
        expect(await changesSince(mark)).toEqual([
          ['user.exited', 'a', { seq: a.place.seq }],
          ['user.abandoned', 'b', { seq: b.place.seq }],
          ['user.abandoned', 'c', { seq: c.place.seq }],
          ['user.admitted', 'd', { seq: d.place.seq, expiresAt: expect.any(Number), immediate: false }],
        ]);
        expect(await statusOf(d.place)).toMatchObject({ status: 'ENTER' });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 1, abandonedTotal: 2 });
      });

      scenario('the exit skips places from before a close (removed) to admit the next live waiter', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        await configure({ status: 'CLOSED' });
        await configure({ status: 'OPEN' });
        const c = await enterWaiting('c');
        const mark = await journalLength();

        expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 1 });
        expect(await changesSince(mark)).toEqual([
          ['user.exited', 'a', { seq: a.place.seq }],
          ['user.removed', 'b', { seq: b.place.seq, reason: 'EVENT_CLOSED' }],
          ['user.admitted', 'c', { seq: c.place.seq, expiresAt: expect.any(Number), immediate: false }],
        ]);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 1, abandonedTotal: 0 });
      });

      scenario(`the exit takes at most EXIT_PROMOTE_MAX (${EXIT_PROMOTE_MAX}) heads; promote goes on from there`, async () => {
        await configure({ limitCnt: 1, waitTimeoutMs: SHORT_MS });
        const a = await enterAdmitted('a');
        const stale: Place[] = [];
        for (let i = 0; i <= EXIT_PROMOTE_MAX; i++) stale.push((await enterWaiting(`stale-${i}`)).place);
        await harness.elapse(PAST_SHORT_MS);
        const live = await enterWaiting('live');
        const mark = await journalLength();

        expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 0 });
        expect(await changesSince(mark)).toEqual([
          ['user.exited', 'a', { seq: a.place.seq }],
          ...stale.slice(0, EXIT_PROMOTE_MAX).map((place): Change => ['user.abandoned', place.id, { seq: place.seq }]),
        ]);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 2, active: 0, abandonedTotal: EXIT_PROMOTE_MAX });

        expect(await store.promote(eventId, 10)).toEqual({ admitted: 1, abandoned: 1 });
        expect(await statusOf(live.place)).toMatchObject({ status: 'ENTER' });
      });
    });

    // ---- verify --------------------------------------------------------------------------------

    describe('verify', () => {
      scenario('valid while the session runs; INVALID for anything that is not a session', async () => {
        expect(await store.verify({ eventId, id: 'a', seq: 1, epoch: 'e' })).toEqual({ valid: false, reason: 'EVENT_NOT_FOUND' });
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        expect(await store.verify(a.place)).toEqual({ valid: true, expiresAt: a.session.expiresAt });
        expect(await store.verify(b.place)).toEqual({ valid: false, reason: 'INVALID' });
        expect(await store.verify({ ...a.place, epoch: 'other' })).toEqual({ valid: false, reason: 'INVALID' });
        expect(await store.verify({ ...a.place, seq: 42 })).toEqual({ valid: false, reason: 'INVALID' });
      });

      scenario('EXITED after an exit', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        await store.exit(a.place);
        expect(await store.verify(a.place)).toEqual({ valid: false, reason: 'EXITED' });
      });

      scenario('EXPIRED by the clock without changing anything, and after the sweep', async () => {
        await configure({ limitCnt: 1, sessionTtlMs: SHORT_MS });
        const a = await enterAdmitted('a');
        await harness.elapse(PAST_SHORT_MS);
        const mark = await journalLength();
        expect(await store.verify(a.place)).toEqual({ valid: false, reason: 'EXPIRED' });
        expect(await journalLength()).toBe(mark);
        expect(await store.stats(eventId)).toMatchObject({ active: 1, expiredTotal: 0 });
        expect(await store.sweep(eventId, 10)).toEqual({ expired: 1, abandoned: 0, removed: 0 });
        expect(await store.verify(a.place)).toEqual({ valid: false, reason: 'EXPIRED' });
      });
    });

    // ---- promote -------------------------------------------------------------------------------

    describe('promote', () => {
      scenario('an unknown event promotes nobody', async () => {
        expect(await store.promote(eventId, 10)).toEqual({ admitted: 0, abandoned: 0 });
      });

      scenario('DRAFT and CLOSED admit nobody and take nobody off the line (that is the poll and the sweep)', async () => {
        await configure({ limitCnt: 0 });
        const b = await enterWaiting('b');
        for (const status of ['DRAFT', 'CLOSED'] as const) {
          await configure({ status, limitCnt: 5 });
          const mark = await journalLength();
          expect(await store.promote(eventId, 1000)).toEqual({ admitted: 0, abandoned: 0 });
          expect(await journalLength()).toBe(mark);
          expect(await store.stats(eventId)).toMatchObject({ waiting: 1, active: 0 });
        }
        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });
      });

      scenario('fills free slots in arrival order and no more', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        const b = await enterWaiting('b');
        const c = await enterWaiting('c');
        const d = await enterWaiting('d');
        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 0, abandoned: 0 }); // full

        await configure({ limitCnt: 3 });
        const mark = await journalLength();
        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 2, abandoned: 0 });
        expect(await changesSince(mark)).toEqual([
          ['user.admitted', 'b', { seq: b.place.seq, expiresAt: expect.any(Number), immediate: false }],
          ['user.admitted', 'c', { seq: c.place.seq, expiresAt: expect.any(Number), immediate: false }],
        ]);
        expect(await statusOf(d.place)).toMatchObject({ status: 'WAIT', rank: 1 });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 1, active: 3, admittedTotal: 3 });
      });

      scenario('admits at most max per call', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        for (const id of ['b', 'c', 'd']) await enterWaiting(id);
        await configure({ limitCnt: 10 });
        expect(await store.promote(eventId, 1)).toEqual({ admitted: 1, abandoned: 0 });
        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 2, abandoned: 0 });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 4 });
      });

      scenario('skips stale heads and counts them abandoned; max counts every head taken', async () => {
        await configure({ limitCnt: 1, waitTimeoutMs: TIMEOUT_MS });
        await enterAdmitted('a');
        const b = await enterWaiting('b');
        const c = await enterWaiting('c');
        await harness.elapse(HALF_MS);
        await harness.elapse(HALF_MS); // b and c are stale
        const d = await enterWaiting('d');
        await configure({ limitCnt: 2 });
        const mark = await journalLength();

        expect(await store.promote(eventId, 1)).toEqual({ admitted: 0, abandoned: 1 });
        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 1, abandoned: 1 });
        expect(await changesSince(mark)).toEqual([
          ['user.abandoned', 'b', { seq: b.place.seq }],
          ['user.abandoned', 'c', { seq: c.place.seq }],
          ['user.admitted', 'd', { seq: d.place.seq, expiresAt: expect.any(Number), immediate: false }],
        ]);
        expect(await statusOf(d.place)).toMatchObject({ status: 'ENTER' });
        expect(await statusOf(b.place)).toEqual({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 2, abandonedTotal: 2 });
      });

      scenario('one call over stale and fresh heads in turn: every head journalled in arrival order, the admitted counted in the rate', async () => {
        await configure({ limitCnt: 0, waitTimeoutMs: TIMEOUT_MS });
        const b = await enterWaiting('b');
        const c = await enterWaiting('c');
        const d = await enterWaiting('d');
        await harness.elapse(HALF_MS);
        await statusOf(b.place); // b's heartbeat; c and d say nothing
        await harness.elapse(HALF_MS); // c and d are stale, b is not
        const e = await enterWaiting('e');
        await configure({ limitCnt: 10 });
        const mark = await journalLength();

        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 2, abandoned: 2 });
        expect(await changesSince(mark)).toEqual([
          ['user.admitted', 'b', { seq: b.place.seq, expiresAt: expect.any(Number), immediate: false }],
          ['user.abandoned', 'c', { seq: c.place.seq }],
          ['user.abandoned', 'd', { seq: d.place.seq }],
          ['user.admitted', 'e', { seq: e.place.seq, expiresAt: expect.any(Number), immediate: false }],
        ]);
        for (const admitted of [b, e]) expect(await statusOf(admitted.place)).toMatchObject({ status: 'ENTER' });
        expect(await statusOf(c.place)).toEqual({ status: 'EXPIRED', reason: 'WAIT_TIMEOUT' });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 2, admittedTotal: 2, abandonedTotal: 2 });
        expect(await store.refreshRate(eventId)).toBeGreaterThan(0);
      });
    });

    // ---- sweep ---------------------------------------------------------------------------------

    describe('sweep', () => {
      scenario('leaves running sessions and fresh waiters alone', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        await enterWaiting('b');
        expect(await store.sweep(eventId, 100)).toEqual({ expired: 0, abandoned: 0, removed: 0 });
        expect(await store.sweep(`${eventId}-unknown`, 100)).toEqual({ expired: 0, abandoned: 0, removed: 0 });
        expect(await store.stats(eventId)).toMatchObject({ waiting: 1, active: 1 });
      });

      scenario('ends lapsed sessions, up to max, the earliest expiry first', async () => {
        await configure({ limitCnt: 2, sessionTtlMs: SHORT_MS });
        const a = await enterAdmitted('a');
        await harness.elapse(PAST_SHORT_MS);
        const b = await enterAdmitted('b'); // a's lapsed session still holds a slot until ended
        await harness.elapse(PAST_SHORT_MS);
        const mark = await journalLength();

        expect(await store.sweep(eventId, 1)).toEqual({ expired: 1, abandoned: 0, removed: 0 });
        expect(await changesSince(mark)).toEqual([['user.expired', 'a', { seq: a.place.seq }]]);
        expect(await store.sweep(eventId, 1)).toEqual({ expired: 1, abandoned: 0, removed: 0 });
        expect(await changesSince(mark + 1)).toEqual([['user.expired', 'b', { seq: b.place.seq }]]);
        expect(await store.sweep(eventId, 1)).toEqual({ expired: 0, abandoned: 0, removed: 0 });
        expect(await store.stats(eventId)).toMatchObject({ active: 0, expiredTotal: 2, admittedTotal: 2 });
        expect(await statusOf(a.place)).toEqual({ status: 'EXPIRED', reason: 'SESSION_ENDED' });
      });

      scenario('abandons stale waiters, up to max, the oldest heartbeat first', async () => {
        await configure({ limitCnt: 0, waitTimeoutMs: TIMEOUT_MS });
        const c = await enterWaiting('c');
        const d = await enterWaiting('d');
        await harness.elapse(HALF_MS);
        expect(await statusOf(c.place)).toMatchObject({ status: 'WAIT' }); // c's heartbeat is now newer than d's
        await harness.elapse(HALF_MS);
        await harness.elapse(HALF_MS);
        const mark = await journalLength();

        expect(await store.sweep(eventId, 1)).toEqual({ expired: 0, abandoned: 1, removed: 0 });
        expect(await changesSince(mark)).toEqual([['user.abandoned', 'd', { seq: d.place.seq }]]);
        expect(await store.sweep(eventId, 10)).toEqual({ expired: 0, abandoned: 1, removed: 0 });
        expect(await changesSince(mark + 1)).toEqual([['user.abandoned', 'c', { seq: c.place.seq }]]);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, abandonedTotal: 2 });
      });

      scenario('removes waiters of a closed event, up to max, in arrival order', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        const b = await enterWaiting('b');
        const c = await enterWaiting('c');
        await configure({ status: 'CLOSED' });
        const mark = await journalLength();

        expect(await store.sweep(eventId, 1)).toEqual({ expired: 0, abandoned: 0, removed: 1 });
        expect(await store.sweep(eventId, 1)).toEqual({ expired: 0, abandoned: 0, removed: 1 });
        expect(await store.sweep(eventId, 1)).toEqual({ expired: 0, abandoned: 0, removed: 0 });
        expect(await changesSince(mark)).toEqual([
          ['user.removed', 'b', { seq: b.place.seq, reason: 'EVENT_CLOSED' }],
          ['user.removed', 'c', { seq: c.place.seq, reason: 'EVENT_CLOSED' }],
        ]);
        expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 1, abandonedTotal: 0 });
        expect(await statusOf(a.place)).toMatchObject({ status: 'ENTER' });
        expect(await statusOf(c.place)).toEqual({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });
      });

      scenario('after re-opening, removes only the places taken before the close', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        await enterWaiting('b');
        await configure({ status: 'CLOSED' });
        await configure({ status: 'OPEN' });
        const c = await enterWaiting('c');
        expect(c.rank).toBe(2);
        expect(await store.sweep(eventId, 100)).toEqual({ expired: 0, abandoned: 0, removed: 1 });
        expect(await statusOf(c.place)).toMatchObject({ status: 'WAIT', rank: 1 });
      });
    });

    // ---- rate and stats ------------------------------------------------------------------------

    describe('refreshRate and stats', () => {
      scenario('the rate is null without admissions', async () => {
        expect(await store.refreshRate(eventId)).toBeNull();
        await configure({ limitCnt: 0 });
        const b = await enterWaiting('b');
        expect(await store.refreshRate(eventId)).toBeNull();
        expect(await statusOf(b.place)).toEqual({ status: 'WAIT', rank: 1, measuredRate: null });
      });

      scenario('immediate admissions leave the rate unmeasured: they say nothing of how fast the line moves', async () => {
        await configure({ limitCnt: 3 });
        for (const id of ['a', 'b', 'c']) await enterAdmitted(id);
        expect(await store.refreshRate(eventId)).toBeNull();
        const d = await enterWaiting('d');
        expect(d.measuredRate).toBeNull();
      });

      scenario('after admissions from the line the rate is positive and reaches waiters', async () => {
        await configure({ limitCnt: 1 });
        const a = await enterAdmitted('a');
        await enterWaiting('b');
        // The exit hands a's slot to b in the same step: an admission from the line.
        expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 1 });
        const rate = await store.refreshRate(eventId);
        expect(rate).not.toBeNull();
        expect(rate!).toBeGreaterThan(0);
        const d = await enterWaiting('d');
        expect(d.measuredRate).toBeCloseTo(rate!, 6);
        const polled = await stateOf(d.place);
        if (polled.status !== 'WAIT') throw new Error(`expected WAIT, got ${polled.status}`);
        expect(polled.measuredRate).toBeCloseTo(rate!, 6);
      });

      scenario('stats count every kind of change', async () => {
        await configure({ limitCnt: 2, sessionTtlMs: SHORT_MS, waitTimeoutMs: SHORT_MS });
        const a = await enterAdmitted('a');
        await enterAdmitted('b');
        await enterWaiting('c');
        await enterWaiting('d');
        await store.exit(a.place); // admits c
        expect(await store.stats(eventId)).toEqual({
          waiting: 1,
          active: 2,
          admittedTotal: 3,
          exitedTotal: 1,
          expiredTotal: 0,
          abandonedTotal: 0,
        });
        await harness.elapse(PAST_SHORT_MS);
        expect(await store.sweep(eventId, 100)).toEqual({ expired: 2, abandoned: 1, removed: 0 });
        expect(await store.stats(eventId)).toEqual({
          waiting: 0,
          active: 0,
          admittedTotal: 3,
          exitedTotal: 1,
          expiredTotal: 2,
          abandonedTotal: 1,
        });
      });
    });

    // ---- journal -------------------------------------------------------------------------------

    describe('journal', () => {
      scenario('one entry per change, in order, with increasing ids whose time is `at`', async () => {
        await configure({ limitCnt: 1, waitTimeoutMs: SHORT_MS, blockReentry: true });
        const a = await enterAdmitted('a'); // admitted
        const b = await enterWaiting('b'); // entered
        const c = await enterWaiting('c'); // entered
        await store.exit(a.place); // exited + admitted b
        await harness.elapse(PAST_SHORT_MS);
        await store.sweep(eventId, 100); // abandoned c
        expect(await store.enter(eventId, 'a')).toEqual({ outcome: 'BLOCKED' }); // nothing

        const entries = await journal();
        expect(entries.map((entry) => [entry.type, entry.id, entry.payload])).toEqual([
          ['user.admitted', 'a', { seq: a.place.seq, expiresAt: a.session.expiresAt, immediate: true }],
          ['user.entered', 'b', { seq: b.place.seq }],
          ['user.entered', 'c', { seq: c.place.seq }],
          ['user.exited', 'a', { seq: a.place.seq }],
          ['user.admitted', 'b', { seq: b.place.seq, expiresAt: expect.any(Number), immediate: false }],
          ['user.abandoned', 'c', { seq: c.place.seq }],
        ]);
        for (const entry of entries) {
          expect(entry.eventId).toBe(eventId);
          expect(entry.entryId).toMatch(/^\d+-\d+$/);
          expect(entry.at).toBe(Number(entry.entryId.split('-')[0]));
        }
        const ids = entries.map((entry) => entry.entryId.split('-').map(Number) as [number, number]);
        for (let i = 1; i < ids.length; i++) {
          const [ms, n] = ids[i];
          const [prevMs, prevN] = ids[i - 1];
          expect(ms > prevMs || (ms === prevMs && n > prevN)).toBe(true);
        }
        expect(entries[5].at).toBeGreaterThanOrEqual(entries[0].at + PAST_SHORT_MS);
      });

      scenario('readJournal is bounded and oldest first; ack removes entries', async () => {
        await configure({ limitCnt: 0 });
        for (const id of ['a', 'b', 'c', 'd']) await enterWaiting(id);
        const firstTwo = await store.readJournal(eventId, 2);
        expect(firstTwo.map((entry) => entry.id)).toEqual(['a', 'b']);

        await store.ackJournal(
          eventId,
          firstTwo.map((entry) => entry.entryId),
        );
        expect((await journal()).map((entry) => entry.id)).toEqual(['c', 'd']);
        await store.ackJournal(eventId, []);
        await store.ackJournal(
          eventId,
          firstTwo.map((entry) => entry.entryId),
        ); // acking twice is harmless
        expect((await journal()).map((entry) => entry.id)).toEqual(['c', 'd']);
      });

      scenario('journalBacklog counts what is not yet forwarded and how old the oldest of it is', async () => {
        await configure({ limitCnt: 0 });
        expect(await store.journalBacklog(eventId)).toEqual({ pending: 0, lagMs: 0 });
        await enterWaiting('a');
        await harness.elapse(PAST_SHORT_MS);
        await enterWaiting('b');
        const behind = await store.journalBacklog(eventId);
        expect(behind.pending).toBe(2);
        // The oldest entry's age, not the newest's: at least the time elapsed since 'a' entered.
        expect(behind.lagMs).toBeGreaterThanOrEqual(PAST_SHORT_MS);
        expect(behind.lagMs).toBeLessThan(LONG_MS);

        const [first] = await store.readJournal(eventId, 1);
        await store.ackJournal(eventId, [first.entryId]);
        expect((await store.journalBacklog(eventId)).pending).toBe(1);
        await store.ackJournal(
          eventId,
          (await journal()).map((entry) => entry.entryId),
        );
        expect(await store.journalBacklog(eventId)).toEqual({ pending: 0, lagMs: 0 });
        expect(await store.journalBacklog(`${eventId}-never-seen`)).toEqual({ pending: 0, lagMs: 0 });
      });

      scenario('dropEvent keeps the journal; dropJournal removes it and only it', async () => {
        await configure({ limitCnt: 1 });
        await enterAdmitted('a');
        const otherEvent = `${eventId}-other`;
        await configureOrBuild(store, { ...settings(), eventId: otherEvent });
        await store.enter(otherEvent, 'x');

        await store.dropEvent(eventId);
        expect((await journal()).map((entry) => entry.type)).toEqual(['user.admitted']);
        await store.dropJournal(eventId);
        expect(await journal()).toEqual([]);
        expect((await store.readJournal(otherEvent, 10)).map((entry) => entry.type)).toEqual(['queue.configured', 'user.admitted']);
        await store.dropEvent(otherEvent);
        await store.dropJournal(otherEvent);
      });
    });

    // ---- rate limiting -------------------------------------------------------------------------

    describe('hit', () => {
      scenario('allows `limit` hits per window, then refuses with the time left', async () => {
        const key = `contract-${randomUUID()}`;
        const windowMs = 600_000; // a window boundary inside the case is all but impossible
        expect(await store.hit(key, 2, windowMs)).toMatchObject({ allowed: true });
        expect(await store.hit(key, 2, windowMs)).toMatchObject({ allowed: true });
        const refused = await store.hit(key, 2, windowMs);
        expect(refused.allowed).toBe(false);
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(windowMs);
        expect(await store.hit(`${key}-other`, 2, windowMs)).toMatchObject({ allowed: true });
      });

      scenario('a new window allows again', async () => {
        const key = `contract-${randomUUID()}`;
        expect((await store.hit(key, 1, SHORT_MS)).allowed).toBe(true);
        // On a real clock a window boundary can fall between two calls; then the third hit,
        // in the same new window as the second, must be the refused one.
        let refused = await store.hit(key, 1, SHORT_MS);
        if (refused.allowed) refused = await store.hit(key, 1, SHORT_MS);
        expect(refused.allowed).toBe(false);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(SHORT_MS);
        await harness.elapse(refused.retryAfterMs + 50);
        expect((await store.hit(key, 1, SHORT_MS)).allowed).toBe(true);
      });
    });

    // ---- capacity ------------------------------------------------------------------------------

    describe('capacity', () => {
      scenario('lowering limitCnt evicts nobody and admits nobody until there is room', async () => {
        await configure({ limitCnt: 3 });
        const admitted = [await enterAdmitted('a'), await enterAdmitted('b'), await enterAdmitted('c')];
        await configure({ limitCnt: 1 });
        const d = await enterWaiting('d');
        expect(await store.stats(eventId)).toMatchObject({ active: 3, waiting: 1 });
        for (const state of admitted) expect(await statusOf(state.place)).toMatchObject({ status: 'ENTER' });
        expect(await store.promote(eventId, 1000)).toEqual({ admitted: 0, abandoned: 0 });

        expect(await store.exit(admitted[0].place)).toEqual({ outcome: 'EXITED', admitted: 0 });
        expect(await store.exit(admitted[1].place)).toEqual({ outcome: 'EXITED', admitted: 0 });
        expect(await statusOf(d.place)).toMatchObject({ status: 'WAIT', rank: 1 });
        expect(await store.exit(admitted[2].place)).toEqual({ outcome: 'EXITED', admitted: 1 });
        expect(await statusOf(d.place)).toMatchObject({ status: 'ENTER' });
      });

      scenario('300 concurrent enters on limitCnt 50: exactly 50 ENTER, the rest WAIT in order', async () => {
        await configure({ limitCnt: 50 });
        const ids = Array.from({ length: 300 }, (_, i) => `user-${i}`);
        const results = await Promise.all(ids.map((id) => store.enter(eventId, id)));
        const states = results.map(placed);
        const entered = states.filter((state) => state.status === 'ENTER');
        const waiting = states.filter((state) => state.status === 'WAIT');
        expect(entered).toHaveLength(50);
        expect(waiting).toHaveLength(250);

        const seqs = states.map((state) => state.place.seq).sort((x, y) => x - y);
        expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
        // The first 50 arrivals got in; each waiter's rank counts the waiters that arrived before it.
        expect(Math.max(...entered.map((state) => state.place.seq))).toBe(50);
        for (const state of waiting) expect(state.rank).toBe(state.place.seq - 50);
        expect(await store.stats(eventId)).toMatchObject({ active: 50, waiting: 250, admittedTotal: 50 });
      });

      scenario('concurrent exits, enters and promotions never exceed limitCnt', async () => {
        await configure({ limitCnt: 50 });
        const first = await Promise.all(Array.from({ length: 150 }, (_, i) => store.enter(eventId, `first-${i}`)));
        const admitted = first.map(placed).filter((state) => state.status === 'ENTER');
        expect(admitted).toHaveLength(50);

        let highest = 0;
        const watch = async () => {
          for (let i = 0; i < 20; i++) highest = Math.max(highest, (await store.stats(eventId)).active);
        };
        const [exits, , promotions] = await Promise.all([
          Promise.all(admitted.map((state) => store.exit(state.place))),
          Promise.all(Array.from({ length: 100 }, (_, i) => store.enter(eventId, `late-${i}`))),
          Promise.all(Array.from({ length: 10 }, () => store.promote(eventId, 7))),
          watch(),
        ]);
        const byExit = exits.reduce((sum, result) => sum + (result.outcome === 'EXITED' ? result.admitted : 0), 0);
        const byPromote = promotions.reduce((sum, result) => sum + result.admitted, 0);

        expect(exits.every((result) => result.outcome === 'EXITED')).toBe(true);
        expect(highest).toBeLessThanOrEqual(50);
        const stats = await store.stats(eventId);
        expect(stats.active).toBe(50); // 150 people were waiting for 50 freed slots
        expect(stats.admittedTotal).toBe(100);
        expect(byExit + byPromote).toBe(50);
        expect(stats.waiting).toBe(200 - 50);
      });
    });

    scenario('ping answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
