/**
 * End to end over real HTTP: the visitor and customer-backend routes of API.md (enter, poll,
 * resume, verify, exit, JWKS, CORS, rate limit) and the body errors every route shares, against
 * both store modes (Redis + PostgreSQL, and the embedded memory store + PGlite). A place's whole
 * life (`ON_CLUSTER`) runs a third time on a Redis Cluster of three masters and three replicas, with
 * `REDIS_WAIT_REPLICAS=1` and the events spread over every master.
 *
 * The main app runs the scheduler with a one-minute tick, so what these tests see is what the
 * request paths do by themselves (exit admitting the next waiter, expiry by the clock), not what a
 * tick repaired in between.
 */
import { jest } from '@jest/globals';
import { createPublicKey, generateKeyPairSync, randomBytes, verify as verifySignature } from 'node:crypto';
import { SignJWT } from 'jose';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import {
  admin,
  ADMIN_KEY,
  createBacking,
  ENTRY_TOKEN_SECRET,
  startFoyer,
  STORE_MODES,
  type FoyerBacking,
  type RunningFoyer,
  type StoreMode,
} from './support/foyer.js';
import { expectKeysOnEveryMaster } from './support/redis-cluster.js';
import { eventually, sleep } from './support/services.js';
import { badFields, ecThumbprint, expectError, flipChar, hhmm, jwtPart, okAnswers, signIdToken, uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(60_000);

const PUBLIC_URL = 'https://foyer.test';
const URL_SAFE_ID = /^[A-Za-z0-9_-]{16,22}$/;

/** The parts that also run on the Redis Cluster: enter, one place per id, exit, verify. */
const ON_CLUSTER = new Set(['enter', 'one place per id', 'exit webhook', 'verify']);
const MODES: StoreMode[] = [...STORE_MODES, 'redis-cluster'];

describe.each(MODES)('visitor routes over HTTP (%s store)', (mode) => {
  /** A group of tests, run on the cluster only when it is one of `ON_CLUSTER`. */
  const part = (name: string, tests: () => void) => (mode !== 'redis-cluster' || ON_CLUSTER.has(name)) && describe(name, tests);
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let v: ReturnType<typeof visitor>;
  let adm: ReturnType<typeof admin>;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking(mode, mode === 'redis-cluster' ? { REDIS_WAIT_REPLICAS: '1' } : {});
    foyer = await startFoyer(backing, { SCHEDULER_TICK_MS: '60000', FOYER_PUBLIC_URL: PUBLIC_URL });
    v = visitor(foyer.http);
    adm = admin(foyer.http);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  /** Creates an event (OPEN, polls unpaced unless said otherwise) and returns its id. */
  async function newEvent(settings: Record<string, unknown> = {}): Promise<string> {
    const eventId = (settings.eventId as string | undefined) ?? (mode === 'redis-cluster' ? backing.eventId(mode) : uniqueEventId(mode));
    const created = await adm.createEvent({ name: 'E2E', limitCnt: 1, minPollIntervalMs: 0, ...settings, eventId });
    expect(created.status).toBe(201);
    return eventId;
  }

  const { enterOk, pollOk, stats } = okAnswers(
    () => v,
    () => adm,
  );

  part('enter', () => {
    it('admits at once while the event is OPEN, nobody waits and there is room', async () => {
      const eventId = await newEvent({ limitCnt: 2, sessionTtlSec: 600 });
      const before = Date.now();
      const state = await enterOk({ eventId, id: 'user-1' });
      expect(state).toEqual({
        id: 'user-1',
        eventId,
        eventStatus: 'OPEN',
        status: 'ENTER',
        ticket: expect.any(String),
        successToken: expect.any(String),
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      });
      const expiresAt = Date.parse(state.expiresAt);
      // The session lasts sessionTtlSec; a generous margin for clocks, not a duration assertion.
      expect(expiresAt).toBeGreaterThan(before + 600_000 - 30_000);
      expect(expiresAt).toBeLessThan(Date.now() + 600_000 + 30_000);
      expect(state.successToken.split('.')).toHaveLength(3);
    });

    it('sends admitted users to successUrl with the successToken as wr_token', async () => {
      const eventId = await newEvent({ limitCnt: 5, successUrl: 'https://shop.example/checkout?step=1' });
      const state = await enterOk({ eventId, id: 'buyer' });
      expect(state.status).toBe('ENTER');
      const url = new URL(state.successUrl);
      expect(url.origin + url.pathname).toBe('https://shop.example/checkout');
      expect(url.searchParams.get('step')).toBe('1');
      expect(url.searchParams.get('wr_token')).toBe(state.successToken);
    });

    it('queues under load: WAIT with a 1-based rank, an ETA and pollAfterMs', async () => {
      const eventId = await newEvent({ limitCnt: 1, minPollIntervalMs: 0, waitTimeoutSec: 300 });
      expect((await enterOk({ eventId, id: 'first' })).status).toBe('ENTER');
      const second = await enterOk({ eventId, id: 'second' });
      const third = await enterOk({ eventId, id: 'third' });
      for (const [state, rank] of [
        [second, 1],
        [third, 2],
      ] as const) {
        expect(state).toEqual({
          id: rank === 1 ? 'second' : 'third',
          eventId,
          eventStatus: 'OPEN',
          status: 'WAIT',
          ticket: expect.any(String),
          expectedInfo: {
            rank,
            waitSeconds: expect.any(Number),
            time: expect.any(String),
            waitSecondsP25: expect.any(Number),
            waitSecondsP75: expect.any(Number),
          },
          pollAfterMs: expect.any(Number),
        });
        expect(Number.isInteger(state.expectedInfo.waitSeconds)).toBe(true);
        expect(state.expectedInfo.waitSeconds).toBeGreaterThan(0);
        expect(state.expectedInfo.waitSecondsP25).toBeLessThanOrEqual(state.expectedInfo.waitSeconds);
        expect(state.expectedInfo.waitSecondsP75).toBeGreaterThanOrEqual(state.expectedInfo.waitSeconds);
        expect(state.expectedInfo.time).toBe(hhmm(state.expectedInfo.waitSeconds));
        expect(state.pollAfterMs).toBeGreaterThanOrEqual(0);
        expect(state.pollAfterMs).toBeLessThanOrEqual(100_000);
      }
      expect(third.expectedInfo.waitSeconds).toBeGreaterThanOrEqual(second.expectedInfo.waitSeconds);
      expect(second.ticket).not.toBe(third.ticket);
      // A poll says the same.
      expect((await pollOk(third.ticket)).expectedInfo.rank).toBe(2);
    });

    it('keeps pollAfterMs within [minPollIntervalMs, waitTimeoutSec × 1000 / 3]', async () => {
      const floorEvent = await newEvent({ limitCnt: 0, minPollIntervalMs: 5000, waitTimeoutSec: 60 });
      const ceilingEvent = await newEvent({ limitCnt: 0, minPollIntervalMs: 0, waitTimeoutSec: 1 });
      for (let i = 0; i < 5; i++) {
        const floored = await enterOk({ eventId: floorEvent, id: `f${i}` });
        expect(floored.status).toBe('WAIT');
        expect(floored.pollAfterMs).toBeGreaterThanOrEqual(5000);
        expect(floored.pollAfterMs).toBeLessThanOrEqual(20_000);
        const capped = await enterOk({ eventId: ceilingEvent, id: `c${i}` });
        expect(capped.status).toBe('WAIT');
        expect(capped.pollAfterMs).toBeGreaterThanOrEqual(0);
        expect(capped.pollAfterMs).toBeLessThanOrEqual(333);
      }
    });

    it('gives no estimate while the event is PAUSED or admits nobody (limitCnt 0)', async () => {
      const paused = await newEvent({ limitCnt: 10, status: 'PAUSED' });
      const state = await enterOk({ eventId: paused, id: 'p1' });
      // A PAUSED event queues even with room and nobody waiting.
      expect(state).toMatchObject({
        status: 'WAIT',
        eventStatus: 'PAUSED',
        expectedInfo: { rank: 1, waitSeconds: null, time: null, waitSecondsP25: null, waitSecondsP75: null },
      });

      const none = await newEvent({ limitCnt: 0 });
      const waiting = await enterOk({ eventId: none, id: 'n1' });
      expect(waiting).toMatchObject({
        status: 'WAIT',
        eventStatus: 'OPEN',
        expectedInfo: { rank: 1, waitSeconds: null, time: null, waitSecondsP25: null, waitSecondsP75: null },
      });
      expect(await stats(none)).toMatchObject({ waiting: 1, active: 0, admittedTotal: 0 });
    });

    it('makes a URL-safe id of at most 22 characters when none is given, a new one each time', async () => {
      const eventId = await newEvent({ limitCnt: 100 });
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const state = await enterOk({ eventId });
        expect(state.status).toBe('ENTER');
        expect(state.id).toMatch(URL_SAFE_ID);
        ids.add(state.id);
      }
      expect(ids.size).toBe(5);
      expect(await stats(eventId)).toMatchObject({ active: 5 });
    });

    it('shows the operator message on every answer while the event has one', async () => {
      const eventId = await newEvent({ limitCnt: 1, message: 'Doors open at 10:00' });
      const admitted = await enterOk({ eventId, id: 'm1' });
      const waiting = await enterOk({ eventId, id: 'm2' });
      expect(admitted).toMatchObject({ status: 'ENTER', message: 'Doors open at 10:00' });
      expect(waiting).toMatchObject({ status: 'WAIT', message: 'Doors open at 10:00' });
      expect((await pollOk(waiting.ticket)).message).toBe('Doors open at 10:00');

      expect((await adm.patchEvent(eventId, { message: 'Now selling' })).status).toBe(200);
      expect((await pollOk(waiting.ticket)).message).toBe('Now selling');
      expect((await adm.patchEvent(eventId, { message: '' })).status).toBe(200);
      expect(await pollOk(waiting.ticket)).not.toHaveProperty('message');
    });

    it('answers 404 EVENT_NOT_FOUND for an unknown event', async () => {
      expectError(await v.enter({ eventId: uniqueEventId('missing'), id: 'u' }), 404, 'EVENT_NOT_FOUND');
    });

    it('refuses new places with 409 EVENT_NOT_OPEN while DRAFT or CLOSED', async () => {
      const draft = await newEvent({ limitCnt: 10, status: 'DRAFT' });
      expectError(await v.enter({ eventId: draft, id: 'd1' }), 409, 'EVENT_NOT_OPEN');
      expectError(await v.enter({ eventId: draft }), 409, 'EVENT_NOT_OPEN');
      const closed = await newEvent({ limitCnt: 10, status: 'CLOSED' });
      expectError(await v.enter({ eventId: closed, id: 'c1' }), 409, 'EVENT_NOT_OPEN');
      expect(await stats(draft)).toMatchObject({ waiting: 0, active: 0, admittedTotal: 0 });
      expect(await stats(closed)).toMatchObject({ waiting: 0, active: 0, admittedTotal: 0 });
    });
  });

  part('one place per id', () => {
    it('answers 409 ALREADY_QUEUED to an id that waits or is admitted, without its ticket', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const admitted = await enterOk({ eventId, id: 'inside' });
      const waiting = await enterOk({ eventId, id: 'outside' });
      expect([admitted.status, waiting.status]).toEqual(['ENTER', 'WAIT']);

      expectError(await v.enter({ eventId, id: 'inside' }), 409, 'ALREADY_QUEUED');
      expectError(await v.enter({ eventId, id: 'outside' }), 409, 'ALREADY_QUEUED');
      // Nobody took over anything: the holders keep their states, the counts did not move.
      expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1, admittedTotal: 1 });
      expect(await pollOk(admitted.ticket)).toMatchObject({ status: 'ENTER', successToken: admitted.successToken });
      expect(await pollOk(waiting.ticket)).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });
    });

    it('answers a retry with the same Idempotency-Key with the same place and ticket; another body is 409 IDEMPOTENCY_KEY_REUSED', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const key = { 'idempotency-key': randomBytes(16).toString('hex') };
      await enterOk({ eventId, id: 'inside' });
      const first = await v.enter({ eventId, id: 'keyed' }, { headers: key });
      expect(first.status).toBe(200);
      const retry = await v.enter({ eventId, id: 'keyed' }, { headers: key });
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ id: 'keyed', status: 'WAIT', ticket: first.body.ticket, expectedInfo: { rank: 1 } });

      expectError(await v.enter({ eventId, id: 'someone-else' }, { headers: key }), 409, 'IDEMPOTENCY_KEY_REUSED');
      expectError(await v.enter({ eventId }, { headers: key }), 409, 'IDEMPOTENCY_KEY_REUSED');
      expectError(await v.enter({ eventId, id: 'keyed' }), 409, 'ALREADY_QUEUED'); // without the key, as before
      expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1 });

      // Without an id the server-made id comes from the key: the retry names the same place.
      const serverKey = { 'idempotency-key': randomBytes(16).toString('hex') };
      const made = await v.enter({ eventId }, { headers: serverKey });
      expect(made.body.id).toMatch(URL_SAFE_ID);
      expect((await v.enter({ eventId }, { headers: serverKey })).body).toMatchObject({ id: made.body.id, ticket: made.body.ticket });
      expect(await stats(eventId)).toMatchObject({ waiting: 2 });
    });

    it('refuses a malformed Idempotency-Key with 400 VALIDATION_FAILED and takes no place', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      for (const bad of ['too-short', 'k'.repeat(129), 'naïve-key-0123456789']) {
        const answer = await v.enter({ eventId, id: 'u' }, { headers: { 'idempotency-key': bad } });
        expectError(answer, 400, 'VALIDATION_FAILED');
        expect(badFields(answer)).toEqual(['Idempotency-Key']);
      }
      expect(await stats(eventId)).toMatchObject({ waiting: 0, active: 0, admittedTotal: 0 });
    });

    it('resumes with the ticket: the current state, and nothing else changes', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const admitted = await enterOk({ eventId, id: 'a' });
      const waiting = await enterOk({ eventId, id: 'b' });
      const behind = await enterOk({ eventId, id: 'c' });
      const before = await stats(eventId);

      const resumedWaiter = await enterOk({ eventId }, waiting.ticket);
      expect(resumedWaiter).toMatchObject({ id: 'b', status: 'WAIT', expectedInfo: { rank: 1 } });
      const resumedWithId = await enterOk({ eventId, id: 'c' }, behind.ticket);
      expect(resumedWithId).toMatchObject({ id: 'c', status: 'WAIT', expectedInfo: { rank: 2 } });
      const resumedAdmitted = await enterOk({ eventId }, admitted.ticket);
      expect(resumedAdmitted).toMatchObject({
        id: 'a',
        status: 'ENTER',
        successToken: admitted.successToken,
        expiresAt: admitted.expiresAt,
      });

      expect(await stats(eventId)).toEqual(before);
      // The old tickets still work: resuming did not give anyone a new place.
      expect(await pollOk(waiting.ticket)).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });
      expect(await pollOk(behind.ticket)).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 2 } });
    });

    it('paces a resume like a poll, for waiters only', async () => {
      const eventId = await newEvent({ limitCnt: 1, minPollIntervalMs: 10_000, waitTimeoutSec: 60 });
      const admitted = await enterOk({ eventId, id: 'inside' });
      const waiting = await enterOk({ eventId, id: 'eager' });
      const resumed = await v.enter({ eventId }, { ticket: waiting.ticket });
      expectError(resumed, 429, 'POLL_TOO_FREQUENT');
      expect(Number(resumed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expectError(await v.poll(waiting.ticket), 429, 'POLL_TOO_FREQUENT');
      // An admitted user is not paced.
      expect(await pollOk(admitted.ticket)).toMatchObject({ status: 'ENTER' });
      expect(await pollOk(admitted.ticket)).toMatchObject({ status: 'ENTER' });
      expect(await enterOk({ eventId }, admitted.ticket)).toMatchObject({ status: 'ENTER', successToken: admitted.successToken });
    });
  });

  part('tickets', () => {
    let eventId: string;
    let otherEventId: string;
    let waiting: Record<string, any>;
    let otherTicket: string;

    beforeAll(async () => {
      eventId = await newEvent({ limitCnt: 0 });
      otherEventId = await newEvent({ limitCnt: 0 });
      waiting = await enterOk({ eventId, id: 'holder' });
      otherTicket = (await enterOk({ eventId: otherEventId, id: 'holder' })).ticket;
    });

    it('answers 401 INVALID_TICKET to a poll without a ticket, or with a malformed one', async () => {
      expectError(await v.poll(), 401, 'INVALID_TICKET');
      expectError(await v.poll('not-a-ticket'), 401, 'INVALID_TICKET');
      expectError(await v.poll(`${waiting.ticket}.extra`), 401, 'INVALID_TICKET');
      expectError(await v.poll(undefined, { authorization: `Basic ${waiting.ticket}` }), 401, 'INVALID_TICKET');
      expectError(await v.poll(undefined, { authorization: 'Bearer' }), 401, 'INVALID_TICKET');
    });

    it('answers 401 INVALID_TICKET to a forged ticket (any byte changed)', async () => {
      const ticket: string = waiting.ticket;
      const dot = ticket.indexOf('.');
      for (const index of [0, Math.floor(dot / 2), dot - 1, dot + 1, ticket.length - 1]) {
        const forged = flipChar(ticket, index);
        expect(forged).not.toBe(ticket);
        expectError(await v.poll(forged), 401, 'INVALID_TICKET');
        expectError(await v.enter({ eventId }, { ticket: forged }), 401, 'INVALID_TICKET');
      }
      // A ticket naming someone else's place, signed by anybody but the server, is refused too.
      const [, mac] = ticket.split('.');
      const payload = Buffer.from(JSON.stringify([eventId, 'someone-else', 1, 'x'])).toString('base64url');
      expectError(await v.poll(`${payload}.${mac}`), 401, 'INVALID_TICKET');
    });

    it("answers 401 INVALID_TICKET to another event's ticket, or a ticket with another id", async () => {
      expectError(await v.enter({ eventId }, { ticket: otherTicket }), 401, 'INVALID_TICKET');
      expectError(await v.enter({ eventId: otherEventId }, { ticket: waiting.ticket }), 401, 'INVALID_TICKET');
      expectError(await v.enter({ eventId, id: 'somebody-else' }, { ticket: waiting.ticket }), 401, 'INVALID_TICKET');
      // A ticket is checked first, before the event is even looked up.
      expectError(await v.enter({ eventId: uniqueEventId('missing') }, { ticket: waiting.ticket }), 401, 'INVALID_TICKET');
      expectError(await v.enter({ eventId, id: 'holder' }, { ticket: 'garbage' }), 401, 'INVALID_TICKET');
      // None of it moved the holder's place.
      expect(await pollOk(waiting.ticket)).toMatchObject({ id: 'holder', status: 'WAIT', expectedInfo: { rank: 1 } });
      expect(await stats(eventId)).toMatchObject({ waiting: 1 });
    });
  });

  part('pacing and heartbeats', () => {
    it('answers 429 POLL_TOO_FREQUENT with retry-after; a refused poll is no heartbeat and changes nothing', async () => {
      // Refusals last 0.8 × 3000 ms after the last heartbeat. Were a refused poll a heartbeat, polls
      // every 100 ms would be refused for ever; they are not, so one is accepted eventually.
      const eventId = await newEvent({ limitCnt: 0, minPollIntervalMs: 3000, waitTimeoutSec: 300 });
      const waiting = await enterOk({ eventId, id: 'poller' });
      const refused = await v.poll(waiting.ticket);
      expectError(refused, 429, 'POLL_TOO_FREQUENT');
      const retryAfter = refused.headers.get('retry-after');
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(retryAfter)).toBeLessThanOrEqual(3);

      let refusals = 1;
      const accepted = await eventually(
        async () => {
          const answer = await v.poll(waiting.ticket);
          if (answer.status === 429) {
            expectError(answer, 429, 'POLL_TOO_FREQUENT');
            expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
            refusals += 1;
            await sleep(100);
            return undefined;
          }
          return answer;
        },
        15_000,
        'a poll to be accepted',
      );
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });
      expect(refusals).toBeGreaterThan(1);
      // The accepted poll was a heartbeat: the very next one is refused again.
      expectError(await v.poll(waiting.ticket), 429, 'POLL_TOO_FREQUENT');
      expect(await stats(eventId)).toMatchObject({ waiting: 1 });
    });

    it('expires a waiter whose last heartbeat is older than waitTimeoutSec on its next poll (WAIT_TIMEOUT), and lets it enter again at the back', async () => {
      const eventId = await newEvent({ limitCnt: 0, minPollIntervalMs: 0, waitTimeoutSec: 2 });
      const gone = await enterOk({ eventId, id: 'sleeper' });
      await sleep(2_500);
      const stayer = await enterOk({ eventId, id: 'stayer' });
      expect(await pollOk(gone.ticket)).toMatchObject({ id: 'sleeper', status: 'EXPIRED', reason: 'WAIT_TIMEOUT', eventStatus: 'OPEN' });
      // No sweep has run (the tick is a minute): the clock alone decided.
      const again = await enterOk({ eventId, id: 'sleeper' });
      expect(again).toMatchObject({ id: 'sleeper', status: 'WAIT', expectedInfo: { rank: 2 } });
      expect(again.ticket).not.toBe(gone.ticket);
      // The lapsed place was ended by the new enter: it no longer counts ahead of anyone.
      expect(await pollOk(stayer.ticket)).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });
    });
  });

  part('after a session', () => {
    it('blocks re-entry after an exit by default (BLOCK, REENTRY_BLOCKED)', async () => {
      const eventId = await newEvent({ limitCnt: 2 });
      const state = await enterOk({ eventId, id: 'once' });
      expect((await v.exit(state.successToken)).body).toMatchObject({ status: 'EXITED' });
      const polled = await pollOk(state.ticket);
      expect(polled).toEqual({ id: 'once', eventId, eventStatus: 'OPEN', status: 'BLOCK', reason: 'REENTRY_BLOCKED' });
      expect(await enterOk({ eventId, id: 'once' })).toMatchObject({ status: 'BLOCK', reason: 'REENTRY_BLOCKED' });
      expect(await enterOk({ eventId }, state.ticket)).toMatchObject({ status: 'BLOCK', reason: 'REENTRY_BLOCKED' });
      expect(await stats(eventId)).toMatchObject({ active: 0, waiting: 0, admittedTotal: 1, exitedTotal: 1 });
    });

    it('without blockReentry: EXPIRED (EXITED), and a new enter starts at the back, with or without the old ticket', async () => {
      const eventId = await newEvent({ limitCnt: 1, blockReentry: false });
      const first = await enterOk({ eventId, id: 'one' });
      const second = await enterOk({ eventId, id: 'two' });
      const third = await enterOk({ eventId, id: 'three' });
      expect([first.status, second.status, third.status]).toEqual(['ENTER', 'WAIT', 'WAIT']);

      expect((await v.exit(first.successToken)).body).toMatchObject({ status: 'EXITED' });
      expect(await pollOk(first.ticket)).toEqual({ id: 'one', eventId, eventStatus: 'OPEN', status: 'EXPIRED', reason: 'EXITED' });
      const back = await enterOk({ eventId }, first.ticket);
      expect(back).toMatchObject({ id: 'one', status: 'WAIT', expectedInfo: { rank: 2 } });
      expect(back.ticket).not.toBe(first.ticket);

      expect(await pollOk(second.ticket)).toMatchObject({ status: 'ENTER' });
      expect((await v.exit((await pollOk(second.ticket)).successToken)).body).toMatchObject({ status: 'EXITED' });
      // Without the ticket, by id alone.
      expect(await enterOk({ eventId, id: 'two' })).toMatchObject({ id: 'two', status: 'WAIT', expectedInfo: { rank: 2 } });
      expect(await pollOk(back.ticket)).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });
    });

    it('ends a session by the clock (SESSION_ENDED) everywhere at once', async () => {
      const eventId = await newEvent({ limitCnt: 1, sessionTtlSec: 1, blockReentry: false });
      const state = await enterOk({ eventId, id: 'brief' });
      await sleep(1_200);
      expect(await pollOk(state.ticket)).toMatchObject({ status: 'EXPIRED', reason: 'SESSION_ENDED' });
      expect((await v.verify(state.successToken)).body).toEqual({ valid: false, reason: 'EXPIRED' });
      expect((await v.exit(state.successToken)).body).toEqual({ eventId, id: 'brief', status: 'EXPIRED' });
      // Its slot is free again for the next arrival, no tick needed.
      expect(await enterOk({ eventId, id: 'next' })).toMatchObject({ status: 'ENTER' });
      // Once the event is gone, an expired token's exit says so (the event is checked before expiry).
      expect((await adm.deleteEvent(eventId)).status).toBe(204);
      expectError(await v.exit(state.successToken), 404, 'EVENT_NOT_FOUND');
      expect((await v.verify(state.successToken)).body).toEqual({ valid: false, reason: 'EVENT_NOT_FOUND' });
    });

    it('blocks re-entry after a session ran out, when the event blocks re-entry', async () => {
      const eventId = await newEvent({ limitCnt: 1, sessionTtlSec: 1 });
      const state = await enterOk({ eventId, id: 'brief' });
      await sleep(1_200);
      // Its own poll says what a new enter would: it may not come back.
      expect(await pollOk(state.ticket)).toMatchObject({ status: 'BLOCK', reason: 'REENTRY_BLOCKED' });
      expect(await enterOk({ eventId, id: 'brief' })).toMatchObject({ status: 'BLOCK', reason: 'REENTRY_BLOCKED' });
      expect((await v.verify(state.successToken)).body).toEqual({ valid: false, reason: 'EXPIRED' });
    });
  });

  part('idTokens', () => {
    it('are accepted on an OPEN event: the id is the token’s sub', async () => {
      const eventId = await newEvent({ limitCnt: 5 });
      const state = await enterOk({ eventId, idToken: await signIdToken({ sub: 'alice', evt: eventId }) });
      expect(state).toMatchObject({ id: 'alice', status: 'ENTER' });
    });

    it('are the only way to name a new place on a SIGNED event', async () => {
      const eventId = await newEvent({ limitCnt: 1, idPolicy: 'SIGNED' });
      expectError(await v.enter({ eventId, id: 'alice' }), 400, 'ID_TOKEN_REQUIRED');
      expectError(await v.enter({ eventId }), 400, 'ID_TOKEN_REQUIRED');

      const admitted = await enterOk({ eventId, idToken: await signIdToken({ sub: 'alice', evt: eventId }) });
      expect(admitted).toMatchObject({ id: 'alice', status: 'ENTER' });
      const waiting = await enterOk({ eventId, idToken: await signIdToken({ sub: 'bob', evt: eventId }) });
      expect(waiting).toMatchObject({ id: 'bob', status: 'WAIT', expectedInfo: { rank: 1 } });
      // Naming bob's id does not reach bob's place, and the holder resumes with the ticket alone.
      expectError(await v.enter({ eventId, id: 'bob' }), 400, 'ID_TOKEN_REQUIRED');
      expect(await enterOk({ eventId }, waiting.ticket)).toMatchObject({ id: 'bob', status: 'WAIT' });
      expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1 });
    });

    it('on a SIGNED event answer the place or session their id holds, with its ticket, instead of 409 ALREADY_QUEUED', async () => {
      const eventId = await newEvent({ limitCnt: 1, idPolicy: 'SIGNED' });
      const admitted = await enterOk({ eventId, idToken: await signIdToken({ sub: 'alice', evt: eventId }) });
      const waiting = await enterOk({ eventId, idToken: await signIdToken({ sub: 'bob', evt: eventId }) });
      expect(await enterOk({ eventId, idToken: await signIdToken({ sub: 'alice', evt: eventId }, { expiresInSec: 120 }) })).toMatchObject({
        status: 'ENTER',
        ticket: admitted.ticket,
        successToken: admitted.successToken,
      });
      expect(await enterOk({ eventId, idToken: await signIdToken({ sub: 'bob', evt: eventId }) })).toMatchObject({
        status: 'WAIT',
        ticket: waiting.ticket,
        expectedInfo: { rank: 1 },
      });
      expect(await stats(eventId)).toMatchObject({ waiting: 1, active: 1, admittedTotal: 1 });

      const open = await newEvent({ limitCnt: 1 });
      await enterOk({ eventId: open, idToken: await signIdToken({ sub: 'alice', evt: open }) });
      expectError(await v.enter({ eventId: open, idToken: await signIdToken({ sub: 'alice', evt: open }) }), 409, 'ALREADY_QUEUED');
    });

    it('answer 401 INVALID_ID_TOKEN when forged, expired, of another event or missing a claim', async () => {
      const eventId = await newEvent({ limitCnt: 5, idPolicy: 'SIGNED' });
      const otherEventId = await newEvent({ limitCnt: 5 });
      const now = Math.floor(Date.now() / 1000);
      const valid = await signIdToken({ sub: 'carol', evt: eventId });
      const bad = [
        await signIdToken({ sub: 'carol', evt: eventId }, { secret: `${ENTRY_TOKEN_SECRET}-not` }),
        await signIdToken({ sub: 'carol', evt: eventId, exp: now - 60 }),
        await signIdToken({ sub: 'carol', evt: otherEventId }),
        await signIdToken({ sub: 'carol' }),
        await signIdToken({ evt: eventId }),
        await signIdToken({ sub: 'carol', evt: eventId }, { omitExp: true }),
        flipChar(valid, valid.length - 5),
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${valid.split('.')[1]}.`,
        'not.a.jwt',
      ];
      for (const idToken of bad) {
        expectError(await v.enter({ eventId, idToken }), 401, 'INVALID_ID_TOKEN');
      }
      // On an OPEN event a bad token is refused just the same.
      expectError(await v.enter({ eventId: otherEventId, idToken: bad[0] }), 401, 'INVALID_ID_TOKEN');
      expect(await stats(eventId)).toMatchObject({ waiting: 0, active: 0, admittedTotal: 0 });
      expect(await enterOk({ eventId, idToken: valid })).toMatchObject({ id: 'carol', status: 'ENTER' });
    });

    it('never go together with an id: 400 VALIDATION_FAILED', async () => {
      const eventId = await newEvent({ limitCnt: 5, idPolicy: 'SIGNED' });
      const idToken = await signIdToken({ sub: 'dave', evt: eventId });
      const answer = await v.enter({ eventId, id: 'dave', idToken });
      expect(badFields(answer).length).toBeGreaterThan(0);
      const open = await newEvent({ limitCnt: 5 });
      expectError(await v.enter({ eventId: open, id: 'dave', idToken: await signIdToken({ sub: 'dave', evt: open }) }), 400, 'VALIDATION_FAILED');
      expect(await stats(eventId)).toMatchObject({ active: 0, admittedTotal: 0 });
    });
  });

  part('exit webhook', () => {
    it('ends the session and admits the next waiter in the same step: ENTER on its very next poll', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const first = await enterOk({ eventId, id: 'leaver' });
      const second = await enterOk({ eventId, id: 'next-in-line' });
      const third = await enterOk({ eventId, id: 'after-that' });
      expect(second).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });

      const exited = await v.exit(first.successToken);
      expect(exited.status).toBe(200);
      expect(exited.body).toEqual({ eventId, id: 'leaver', status: 'EXITED' });
      // By the time the answer was sent, the next user was in (the tick is a minute away).
      expect(await stats(eventId)).toMatchObject({ active: 1, waiting: 1, admittedTotal: 2, exitedTotal: 1 });
      const promoted = await pollOk(second.ticket);
      expect(promoted).toMatchObject({ id: 'next-in-line', status: 'ENTER', successToken: expect.any(String) });
      expect(await pollOk(third.ticket)).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });

      // Idempotent.
      const again = await v.exit(first.successToken);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ eventId, id: 'leaver', status: 'ALREADY_EXITED' });
      expect(await stats(eventId)).toMatchObject({ active: 1, waiting: 1, admittedTotal: 2, exitedTotal: 1 });
    });

    it('answers 401 INVALID_TOKEN for a forged or malformed token', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const state = await enterOk({ eventId, id: 'holder' });
      const token: string = state.successToken;
      const [header, payload, signature] = token.split('.');
      const otherPayload = Buffer.from(JSON.stringify({ ...jwtPart(token, 1), sub: 'intruder' })).toString('base64url');
      const ownKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const foreign = await new SignJWT(jwtPart(token, 1)).setProtectedHeader(jwtPart(token, 0) as { alg: string }).sign(ownKey);
      for (const forged of [flipChar(token, token.length - 10), `${header}.${otherPayload}.${signature}`, foreign, 'garbage', `${header}.${payload}`]) {
        expectError(await v.exit(forged), 401, 'INVALID_TOKEN');
      }
      expectError(await foyer.http.post('/v1/active/exit', {}), 400, 'VALIDATION_FAILED');
      expect(await pollOk(state.ticket)).toMatchObject({ status: 'ENTER' });
      expect(await stats(eventId)).toMatchObject({ active: 1, exitedTotal: 0 });
    });

    it('answers 404 EVENT_NOT_FOUND once the event is deleted', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const state = await enterOk({ eventId, id: 'holder' });
      expect((await adm.deleteEvent(eventId)).status).toBe(204);
      expectError(await v.exit(state.successToken), 404, 'EVENT_NOT_FOUND');
    });

    it("never ends a later session with an earlier session's token", async () => {
      const eventId = await newEvent({ limitCnt: 1, blockReentry: false });
      const first = await enterOk({ eventId, id: 'twice' });
      expect((await v.exit(first.successToken)).body.status).toBe('EXITED');
      const second = await enterOk({ eventId, id: 'twice' });
      expect(second.status).toBe('ENTER');
      expect(second.successToken).not.toBe(first.successToken);
      const stale = await v.exit(first.successToken);
      expect(stale.status).toBe(200);
      // That session was exited already; the later one is untouched.
      expect(stale.body).toEqual({ eventId, id: 'twice', status: 'ALREADY_EXITED' });
      expect((await v.verify(second.successToken)).body).toMatchObject({ valid: true, id: 'twice' });
      expect(await pollOk(second.ticket)).toMatchObject({ status: 'ENTER', successToken: second.successToken });
    });
  });

  part('verify', () => {
    it('is valid for an admitted user, EXITED after the exit, EVENT_NOT_FOUND after a delete', async () => {
      const eventId = await newEvent({ limitCnt: 2 });
      const state = await enterOk({ eventId, id: 'checked' });
      const other = await enterOk({ eventId, id: 'kept' });
      const valid = await v.verify(state.successToken);
      expect(valid.status).toBe(200);
      expect(valid.body).toEqual({ valid: true, eventId, id: 'checked', expiresAt: state.expiresAt });

      await v.exit(state.successToken);
      expect((await v.verify(state.successToken)).body).toEqual({ valid: false, reason: 'EXITED' });

      expect((await adm.deleteEvent(eventId)).status).toBe(204);
      expect((await v.verify(other.successToken)).body).toEqual({ valid: false, reason: 'EVENT_NOT_FOUND' });
    });

    it('is INVALID for garbage and forged tokens', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const state = await enterOk({ eventId, id: 'real' });
      const token: string = state.successToken;
      const [header, , signature] = token.split('.');
      const otherPayload = Buffer.from(JSON.stringify({ ...jwtPart(token, 1), sub: 'impostor' })).toString('base64url');
      for (const forged of ['garbage', flipChar(token, token.length - 10), `${header}.${otherPayload}.${signature}`]) {
        const answer = await v.verify(forged);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ valid: false, reason: 'INVALID' });
      }
    });

    it('returns the same successToken on every ENTER answer of one session', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const first = await enterOk({ eventId, id: 'same-a' });
      const waiter = await enterOk({ eventId, id: 'same-b' });
      expect((await pollOk(first.ticket)).successToken).toBe(first.successToken);
      expect((await enterOk({ eventId }, first.ticket)).successToken).toBe(first.successToken);

      await v.exit(first.successToken);
      const promotedOnce = await pollOk(waiter.ticket);
      const promotedTwice = await pollOk(waiter.ticket);
      const resumed = await enterOk({ eventId, id: 'same-b' }, waiter.ticket);
      expect(promotedOnce.status).toBe('ENTER');
      expect(promotedTwice.successToken).toBe(promotedOnce.successToken);
      expect(resumed.successToken).toBe(promotedOnce.successToken);
      expect(promotedTwice.expiresAt).toBe(promotedOnce.expiresAt);
    });
  });

  part('JWKS', () => {
    it('lets a customer backend verify a successToken offline with its own ES256 implementation', async () => {
      const eventId = await newEvent({ limitCnt: 1, sessionTtlSec: 900 });
      const state = await enterOk({ eventId, id: 'offline-user' });
      const jwks = await v.jwks();
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys.length).toBeGreaterThanOrEqual(1);
      for (const key of jwks.body.keys) {
        expect(key).not.toHaveProperty('d');
        expect(key).toMatchObject({ kty: 'EC', crv: 'P-256' });
        expect(key.kid).toBe(ecThumbprint(key));
      }

      const token: string = state.successToken;
      const header = jwtPart(token, 0);
      const claims = jwtPart(token, 1);
      expect(header.alg).toBe('ES256');
      const jwk = jwks.body.keys.find((key: { kid: string }) => key.kid === header.kid);
      expect(jwk).toBeDefined();

      const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
      const [h, p, s] = token.split('.');
      const check = (signingInput: string) =>
        verifySignature('sha256', Buffer.from(signingInput), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
      expect(check(`${h}.${p}`)).toBe(true);
      const tampered = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
      expect(check(`${h}.${tampered}`)).toBe(false);

      expect(claims).toEqual({
        sub: 'offline-user',
        evt: eventId,
        iat: expect.any(Number),
        exp: Math.floor(Date.parse(state.expiresAt) / 1000),
        jti: expect.any(String),
        iss: PUBLIC_URL,
      });
      expect(Number.isInteger(claims.iat)).toBe(true);
      expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(899);
      expect(claims.exp - claims.iat).toBeLessThanOrEqual(901);

      // One jti per session.
      const other = await enterOk({ eventId: await newEvent({ limitCnt: 1 }), id: 'offline-user' });
      expect(jwtPart(other.successToken, 1).jti).not.toBe(claims.jti);
    });
  });

  part('CORS', () => {
    const origin = 'https://shop.example';

    it('answers preflights of visitor routes and exposes retry-after', async () => {
      for (const [path, method] of [
        ['/v1/queue/enter', 'POST'],
        ['/v1/queue/status', 'GET'],
        ['/v1/active/verify', 'POST'],
        ['/.well-known/jwks.json', 'GET'],
      ]) {
        const preflight = await foyer.http.request('OPTIONS', path, {
          headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,authorization,idempotency-key' },
        });
        expect({ path, status: preflight.status }).toEqual({ path, status: 204 });
        expect(preflight.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/shop\.example)$/);
        expect(preflight.headers.get('access-control-allow-methods') ?? '').toContain(method);
        expect((preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain('authorization');
        expect((preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain('idempotency-key');
      }

      const eventId = await newEvent({ limitCnt: 0, minPollIntervalMs: 5000, waitTimeoutSec: 60 });
      const entered = await v.enter({ eventId, id: 'cors' }, { headers: { origin } });
      expect(entered.status).toBe(200);
      expect(entered.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/shop\.example)$/);
      const refused = await v.poll(entered.body.ticket, { origin });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/shop\.example)$/);
      expect((refused.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain('retry-after');
      const jwks = await foyer.http.get('/.well-known/jwks.json', { headers: { origin } });
      expect(jwks.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/shop\.example)$/);
    });

    it('does not answer CORS on admin routes or the exit webhook', async () => {
      for (const path of ['/v1/admin/events', '/v1/admin/journal', '/v1/active/exit']) {
        const preflight = await foyer.http.request('OPTIONS', path, {
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
        });
        expect({ path, allow: preflight.headers.get('access-control-allow-origin') }).toEqual({ path, allow: null });
      }
      const listed = await foyer.http.get('/v1/admin/events', { token: ADMIN_KEY, headers: { origin } });
      expect(listed.status).toBe(200);
      expect(listed.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  part('request bodies', () => {
    const json = { 'content-type': 'application/json' };

    it('refuses bad bodies with the right code and changes nothing', async () => {
      const eventId = await newEvent({ limitCnt: 10 });
      const post = (raw: string | Buffer, headers: Record<string, string>) => foyer.http.request('POST', '/v1/queue/enter', { raw, headers });

      expectError(await post(`{"eventId": "${eventId}", "id": `, json), 400, 'INVALID_JSON');
      expectError(await post(`{"eventId": "${eventId}", "id": "x",}`, json), 400, 'INVALID_JSON');
      expectError(await post('', json), 400, 'INVALID_JSON');
      expectError(await foyer.http.request('POST', '/v1/queue/enter', { headers: json }), 400, 'INVALID_JSON');

      const huge = JSON.stringify({ eventId, id: 'big', padding: 'x'.repeat(70 * 1024) });
      expectError(await post(huge, json), 413, 'PAYLOAD_TOO_LARGE');

      expectError(await post(JSON.stringify({ eventId, id: 'plain' }), { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectError(await post(`eventId=${eventId}&id=form`, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectError(await post(JSON.stringify({ eventId, id: 'xml' }), { 'content-type': 'application/xml' }), 415, 'UNSUPPORTED_MEDIA_TYPE');

      const enter = (body: unknown) => foyer.http.post('/v1/queue/enter', body);
      expect(badFields(await enter({ eventId, id: 'u1', extra: true }))).toEqual(['extra']);
      expect(badFields(await enter({ eventId: 42, id: 'u2' }))).toEqual(['eventId']);
      expect(badFields(await enter({ eventId, id: 7 }))).toEqual(['id']);
      expect(badFields(await enter({ id: 'u3' }))).toEqual(['eventId']);
      expect(badFields(await enter({ eventId: 'has space', id: 'u4' }))).toEqual(['eventId']);
      expect(badFields(await enter({ eventId: 'x'.repeat(65), id: 'u5' }))).toEqual(['eventId']);
      expect(badFields(await enter({ eventId, id: '' }))).toEqual(['id']);
      expect(badFields(await enter({ eventId, id: 'x'.repeat(129) }))).toEqual(['id']);
      for (const control of ['\u0000', '\u0007', '\n', '\u001f', '\u007f', '\u0085']) {
        expect(badFields(await enter({ eventId, id: `bad${control}id` }))).toEqual(['id']);
      }
      expect(badFields(await enter({ eventId, idToken: 5 }))).toEqual(['idToken']);
      expect(badFields(await enter({ eventId: 'bad id!', id: 'x'.repeat(129), extra: 1 }))).toEqual(['eventId', 'extra', 'id']);
      const poisoned = await post(`{"eventId": "${eventId}", "id": "proto", "__proto__": {"admin": true}}`, json);
      expect({ status: poisoned.status, code: poisoned.body?.code }).toEqual({
        status: 400,
        code: expect.stringMatching(/^(INVALID_JSON|VALIDATION_FAILED)$/),
      });
      const constructed = await post(`{"eventId": "${eventId}", "id": "ctor", "constructor": {"prototype": {"admin": true}}}`, json);
      expect({ status: constructed.status, code: constructed.body?.code }).toEqual({
        status: 400,
        code: expect.stringMatching(/^(INVALID_JSON|VALIDATION_FAILED)$/),
      });
      expectError(await enter([]), 400, 'VALIDATION_FAILED');
      expectError(await enter('just a string'), 400, 'VALIDATION_FAILED');
      expectError(await enter(null), 400, 'VALIDATION_FAILED');
      // null is a wrong type, not an omission; and a body nested thousands deep is refused, never a 500.
      expect(badFields(await enter({ eventId, id: null }))).toEqual(['id']);
      expect(badFields(await enter({ eventId, idToken: null }))).toEqual(['idToken']);
      const deep = `{"eventId": ${'['.repeat(3000)}${']'.repeat(3000)}}`;
      expectError(await post(deep, json), 400, 'VALIDATION_FAILED');
      expectError(await post(`{"eventId": "${eventId}", "x": ${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`, json), 400, 'VALIDATION_FAILED');

      // Nothing of it took a place; the limits themselves are inclusive.
      expect(await stats(eventId)).toMatchObject({ waiting: 0, active: 0, admittedTotal: 0 });
      expect(await enterOk({ eventId, id: 'x'.repeat(128) })).toMatchObject({ status: 'ENTER' });
      expect(await enterOk({ eventId, id: 'emoji 🎟️ and spaces' })).toMatchObject({ id: 'emoji 🎟️ and spaces', status: 'ENTER' });
      const charset = await post(JSON.stringify({ eventId, id: 'charset' }), { 'content-type': 'application/json; charset=utf-8' });
      expect({ status: charset.status, id: charset.body.id }).toEqual({ status: 200, id: 'charset' });
      expect(await stats(eventId)).toMatchObject({ active: 3, admittedTotal: 3 });

      // The journal saw only the good enters.
      const journal = await eventually(async () => {
        const page = await adm.journal(`eventId=${eventId}`);
        const types = (page.body.items as { type: string }[]).map((entry) => entry.type);
        return types.filter((type) => type === 'user.admitted').length === 3 ? page.body.items : undefined;
      });
      expect(journal.map((entry: { type: string; id?: string }) => [entry.type, entry.id])).toEqual([
        ['event.created', undefined],
        ['queue.configured', undefined],
        ['user.admitted', 'x'.repeat(128)],
        ['user.admitted', 'emoji 🎟️ and spaces'],
        ['user.admitted', 'charset'],
      ]);
    });

    it('answers bad bodies on the other routes the same way', async () => {
      expectError(await foyer.http.request('POST', '/v1/active/verify', { raw: '{', headers: json }), 400, 'INVALID_JSON');
      expectError(
        await foyer.http.request('POST', '/v1/active/exit', { raw: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expect(badFields(await foyer.http.post('/v1/active/verify', { successToken: 1 }))).toEqual(['successToken']);
      expect(badFields(await foyer.http.post('/v1/active/exit', { successToken: 'x', more: 1 }))).toEqual(['more']);
      const huge = JSON.stringify({ successToken: 'x'.repeat(70 * 1024) });
      expectError(await foyer.http.request('POST', '/v1/active/exit', { raw: huge, headers: json }), 413, 'PAYLOAD_TOO_LARGE');
      const unknown = await foyer.http.get('/v1/no-such-route');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) });
    });
  });

  part('rate limit and client IPs (own app: ENTER_RATE_LIMIT_PER_MIN=3, TRUST_PROXY_HOPS=1, CORS_ORIGINS)', () => {
    let limitedBacking: FoyerBacking;
    let limited: RunningFoyer;

    beforeAll(async () => {
      limitedBacking = await createBacking(mode);
      limited = await startFoyer(limitedBacking, {
        ENTER_RATE_LIMIT_PER_MIN: '3',
        TRUST_PROXY_HOPS: '1',
        CORS_ORIGINS: 'https://shop.example',
        SCHEDULER_TICK_MS: '60000',
      });
    }, 120_000);

    afterAll(async () => {
      await limited?.close();
      await limitedBacking?.dispose();
    });

    it('answers 429 RATE_LIMITED with retry-after past the limit, counted per client IP behind one trusted proxy', async () => {
      const eventId = uniqueEventId(mode);
      expect((await admin(limited.http).createEvent({ eventId, name: 'Limited', limitCnt: 100 })).status).toBe(201);
      const lv = visitor(limited.http);
      const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

      for (let i = 0; i < 3; i++) {
        expect((await lv.enter({ eventId, id: `a${i}` }, from('203.0.113.7'))).status).toBe(200);
      }
      const refused = await lv.enter({ eventId, id: 'a3' }, from('203.0.113.7'));
      expectError(refused, 429, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // A made-up address to the left of the trusted proxy's does not escape the count.
      expectError(await lv.enter({ eventId, id: 'a4' }, from('198.51.100.1, 203.0.113.7')), 429, 'RATE_LIMITED');

      // Another client is counted on its own.
      for (let i = 0; i < 3; i++) {
        expect((await lv.enter({ eventId, id: `b${i}` }, from('203.0.113.8'))).status).toBe(200);
      }
      expectError(await lv.enter({ eventId, id: 'b3' }, from('203.0.113.8')), 429, 'RATE_LIMITED');

      const event = await admin(limited.http).getEvent(eventId);
      expect(event.body.stats).toMatchObject({ active: 6, admittedTotal: 6, waiting: 0 });
    });

    // Only Redis can be shared by two instances; the embedded store is one process by design.
    const itWithSharedStore = mode === 'redis' ? it : () => undefined;
    itWithSharedStore('counts enters across every instance sharing the store', async () => {
      const second = await startFoyer(limitedBacking, {
        ENTER_RATE_LIMIT_PER_MIN: '3',
        TRUST_PROXY_HOPS: '1',
        SCHEDULER_TICK_MS: '60000',
      });
      try {
        const eventId = uniqueEventId(mode);
        expect((await admin(limited.http).createEvent({ eventId, name: 'Shared', limitCnt: 100 })).status).toBe(201);
        const from = { headers: { 'x-forwarded-for': '203.0.113.9' } };
        expect((await visitor(limited.http).enter({ eventId, id: 's1' }, from)).status).toBe(200);
        expect((await visitor(second.http).enter({ eventId, id: 's2' }, from)).status).toBe(200);
        expect((await visitor(limited.http).enter({ eventId, id: 's3' }, from)).status).toBe(200);
        expectError(await visitor(second.http).enter({ eventId, id: 's4' }, from), 429, 'RATE_LIMITED');
        expectError(await visitor(limited.http).enter({ eventId, id: 's5' }, from), 429, 'RATE_LIMITED');
      } finally {
        await second.close();
      }
    });

    it('answers CORS only for the configured origins', async () => {
      const allowed = await limited.http.get('/.well-known/jwks.json', { headers: { origin: 'https://shop.example' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      const other = await limited.http.get('/.well-known/jwks.json', { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  if (mode === 'redis-cluster') {
    it('spread its events over all three masters of the cluster', async () => {
      await expectKeysOnEveryMaster(backing.cluster!, backing.env.REDIS_KEY_PREFIX);
    });
  }
});
