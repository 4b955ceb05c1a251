/**
 * End to end over real HTTP: the admin routes of API.md (events, stats, journal), the admin key,
 * and the operations routes (health, metrics, OpenAPI), against both store modes (Redis +
 * PostgreSQL, and the embedded memory store + PGlite). The app runs the scheduler with a short
 * tick, so changes that take effect "within one tick" are waited for, never timed.
 */
import { jest } from '@jest/globals';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, ADMIN_KEY, createBacking, startFoyer, STORE_MODES, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually } from './support/services.js';
import { adminRoutes, badFields, expectError, okAnswers, uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(60_000);

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

interface JournalEntry {
  offset: number;
  type: string;
  eventId: string;
  id?: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

describe.each(STORE_MODES)('admin and operations routes over HTTP (%s store)', (mode) => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let adm: ReturnType<typeof admin>;
  let v: ReturnType<typeof visitor>;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking(mode);
    foyer = await startFoyer(backing);
    adm = admin(foyer.http);
    v = visitor(foyer.http);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  async function newEvent(settings: Record<string, unknown> = {}): Promise<string> {
    const eventId = (settings.eventId as string | undefined) ?? uniqueEventId(mode);
    const created = await adm.createEvent({ name: 'Admin E2E', limitCnt: 1, minPollIntervalMs: 0, ...settings, eventId });
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    return eventId;
  }

  const { enterOk, pollOk, stats } = okAnswers(
    () => v,
    () => adm,
  );

  async function journalOf(eventId: string): Promise<JournalEntry[]> {
    const page = await adm.journal(`eventId=${eventId}&limit=1000`);
    expect(page.status).toBe(200);
    return page.body.items;
  }

  /** Waits until the event's journal holds `count` entries of `type`, and returns all of them. */
  function journalWith(eventId: string, type: string, count = 1): Promise<JournalEntry[]> {
    return eventually(
      async () => {
        const items = await journalOf(eventId);
        return items.filter((entry) => entry.type === type).length >= count ? items : undefined;
      },
      15_000,
      `${count} ${type} in the journal of ${eventId}`,
    );
  }

  describe('the admin key', () => {
    it('guards every admin route with 401 UNAUTHORIZED, revealing nothing, changing nothing', async () => {
      const existing = await newEvent({ name: 'Guarded', limitCnt: 3 });
      const missing = uniqueEventId('missing');
      const credentials: (Record<string, string> | undefined)[] = [
        undefined,
        { authorization: 'Bearer wrong-key' },
        { authorization: `Bearer ${ADMIN_KEY}x` },
        { authorization: `Basic ${ADMIN_KEY}` },
        { authorization: ADMIN_KEY },
        { authorization: 'Bearer ' },
      ];
      for (const headers of credentials) {
        const answers: Record<string, unknown>[] = [];
        for (const eventId of [existing, missing]) {
          for (const route of adminRoutes(eventId)) {
            const answer = await foyer.http.request(route.method, route.path, { json: route.json, headers });
            expectError(answer, 401, 'UNAUTHORIZED');
            expect(answer.body).not.toHaveProperty('details');
            answers.push({ method: route.method, status: answer.status, body: answer.body });
          }
        }
        // The answers for an existing event and a missing one are the same, word for word.
        const half = answers.length / 2;
        expect(answers.slice(0, half)).toEqual(answers.slice(half));
      }
      // A bad body is not even looked at without the key.
      expectError(await foyer.http.post('/v1/admin/events', { eventId: 'bad id!' }), 401, 'UNAUTHORIZED');
      // Nor is anything else: not the body's syntax, size or type, nor whether the path exists.
      const raw = (method: string, path: string, body?: string, type = 'application/json') =>
        foyer.http.request(method, path, body === undefined ? {} : { raw: body, headers: { 'content-type': type } });
      expectError(await raw('POST', '/v1/admin/events', '{'), 401, 'UNAUTHORIZED');
      expectError(await raw('POST', '/v1/admin/events', 'x', 'text/plain'), 401, 'UNAUTHORIZED');
      expectError(await raw('POST', '/v1/admin/events', JSON.stringify({ name: 'n'.repeat(70_000) })), 401, 'UNAUTHORIZED');
      expectError(await raw('GET', '/v1/admin/no-such-route'), 401, 'UNAUTHORIZED');
      expectError(await raw('GET', '/v1/admin/events/%ZZ'), 401, 'UNAUTHORIZED');
      expectError(await raw('GET', `/v1/admin/events/${'x'.repeat(3000)}`), 401, 'UNAUTHORIZED');
      // With the key, a path no route can match is a plain 404 in the contract's shape.
      expectError(await foyer.http.get('/v1/admin/events/%ZZ', { token: ADMIN_KEY }), 404, 'NOT_FOUND');
      expectError(await foyer.http.get('/v1/queue/%E0%A4%A'), 404, 'NOT_FOUND');

      const event = await adm.getEvent(existing);
      expect(event.body).toMatchObject({ name: 'Guarded', limitCnt: 3 });
      expectError(await adm.getEvent(missing), 404, 'EVENT_NOT_FOUND');
    });
  });

  describe('events', () => {
    it('creates an event with its defaults filled in (201), and refuses the same id again (409 EVENT_EXISTS)', async () => {
      const eventId = uniqueEventId(mode);
      const before = Date.now();
      const created = await adm.createEvent({ eventId, name: 'Concert 2026 presale', limitCnt: 1000 });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        eventId,
        name: 'Concert 2026 presale',
        limitCnt: 1000,
        status: 'OPEN',
        successUrl: null,
        callbackUrl: null,
        sessionTtlSec: 600,
        waitTimeoutSec: 300,
        minPollIntervalMs: 1000,
        blockReentry: true,
        idPolicy: 'OPEN',
        message: null,
        createdAt: expect.stringMatching(ISO_TIME),
        updatedAt: expect.stringMatching(ISO_TIME),
      });
      expect(Date.parse(created.body.createdAt)).toBeGreaterThanOrEqual(before - 60_000);

      const again = await adm.createEvent({ eventId, name: 'Another', limitCnt: 1 });
      expectError(again, 409, 'EVENT_EXISTS');
      const kept = await adm.getEvent(eventId);
      expect(kept.body).toMatchObject({ name: 'Concert 2026 presale', limitCnt: 1000 });
    });

    it('takes every writable field on create, and the limits are inclusive', async () => {
      const eventId = uniqueEventId(mode);
      const body = {
        eventId,
        name: 'n'.repeat(200),
        limitCnt: 1_000_000,
        status: 'PAUSED',
        successUrl: 'https://shop.example/checkout',
        callbackUrl: 'https://hooks.example/foyer',
        sessionTtlSec: 86_400,
        waitTimeoutSec: 86_400,
        minPollIntervalMs: 60_000,
        blockReentry: false,
        idPolicy: 'SIGNED',
        message: 'm'.repeat(500),
      };
      const created = await adm.createEvent(body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject(body);
      const lowest = await adm.createEvent({
        eventId: uniqueEventId(mode),
        name: 'x',
        limitCnt: 0,
        sessionTtlSec: 1,
        waitTimeoutSec: 1,
        minPollIntervalMs: 0,
        successUrl: null,
        callbackUrl: null,
        message: null,
      });
      expect(lowest.status).toBe(201);
      expect(lowest.body).toMatchObject({ limitCnt: 0, successUrl: null, callbackUrl: null, message: null });
      const longestId = 'a.B_c-9'.repeat(10).slice(0, 64);
      expect((await adm.createEvent({ eventId: `${longestId.slice(0, 56)}${uniqueEventId('').slice(-8)}`, name: 'x', limitCnt: 1 })).status).toBe(201);
    });

    it('says a missing field is required, and what is wrong with a bad one', async () => {
      const missing = await adm.createEvent({ eventId: uniqueEventId(mode), name: 'x' });
      expect(badFields(missing)).toEqual(['limitCnt']);
      expect(missing.body.details).toEqual([{ field: 'limitCnt', message: 'limitCnt is required' }]);
      const bad = await adm.createEvent({ eventId: uniqueEventId(mode), name: 'x', limitCnt: -1 });
      expect(bad.body.details).toEqual([{ field: 'limitCnt', message: expect.stringContaining('limitCnt must not be less than 0') }]);
      expect(bad.body.details[0].message).not.toContain('required');
    });

    it('refuses bad fields with 400 VALIDATION_FAILED naming each one, and creates nothing', async () => {
      const base = () => ({ eventId: uniqueEventId(mode), name: 'x', limitCnt: 1 });
      const cases: [Record<string, unknown>, string[]][] = [
        [{ eventId: 'has space' }, ['eventId']],
        [{ eventId: '' }, ['eventId']],
        [{ eventId: 'x'.repeat(65) }, ['eventId']],
        [{ eventId: 5 }, ['eventId']],
        [{ eventId: undefined }, ['eventId']],
        [{ name: '' }, ['name']],
        [{ name: 'x'.repeat(201) }, ['name']],
        [{ name: 7 }, ['name']],
        [{ name: undefined }, ['name']],
        [{ limitCnt: -1 }, ['limitCnt']],
        [{ limitCnt: 1_000_001 }, ['limitCnt']],
        [{ limitCnt: 1.5 }, ['limitCnt']],
        [{ limitCnt: '10' }, ['limitCnt']],
        [{ limitCnt: undefined }, ['limitCnt']],
        [{ status: 'LIVE' }, ['status']],
        [{ status: 'open' }, ['status']],
        [{ successUrl: 'ftp://files.example/x' }, ['successUrl']],
        [{ successUrl: 'not a url' }, ['successUrl']],
        [{ successUrl: 'javascript:alert(1)' }, ['successUrl']],
        [{ callbackUrl: 'mailto:ops@example.com' }, ['callbackUrl']],
        [{ sessionTtlSec: 0 }, ['sessionTtlSec']],
        [{ sessionTtlSec: 86_401 }, ['sessionTtlSec']],
        [{ waitTimeoutSec: 0 }, ['waitTimeoutSec']],
        [{ waitTimeoutSec: 86_401 }, ['waitTimeoutSec']],
        [{ minPollIntervalMs: -1 }, ['minPollIntervalMs']],
        [{ minPollIntervalMs: 60_001 }, ['minPollIntervalMs']],
        [{ blockReentry: 'yes' }, ['blockReentry']],
        [{ blockReentry: 1 }, ['blockReentry']],
        [{ idPolicy: 'STRICT' }, ['idPolicy']],
        [{ message: 'x'.repeat(501) }, ['message']],
        [{ message: 5 }, ['message']],
        [{ color: 'red' }, ['color']],
        [{ createdAt: '2026-01-01T00:00:00Z' }, ['createdAt']],
        // Fields that are never null.
        [{ name: null }, ['name']],
        [{ limitCnt: null }, ['limitCnt']],
        [{ status: null }, ['status']],
        [{ sessionTtlSec: null }, ['sessionTtlSec']],
        [{ waitTimeoutSec: null }, ['waitTimeoutSec']],
        [{ minPollIntervalMs: null }, ['minPollIntervalMs']],
        [{ blockReentry: null }, ['blockReentry']],
        [{ idPolicy: null }, ['idPolicy']],
        // Several at once: each is named.
        [{ name: '', limitCnt: -5, status: 'NOPE', extra: true }, ['extra', 'limitCnt', 'name', 'status']],
        // The pacing floor may not exceed a third of the wait timeout.
        [{ waitTimeoutSec: 3, minPollIntervalMs: 1001 }, ['minPollIntervalMs']],
        // ... also against the default floor (1000 ms) when only the wait timeout is given.
        [{ waitTimeoutSec: 2 }, ['minPollIntervalMs']],
      ];
      const ids: string[] = [];
      for (const [fields, expected] of cases) {
        const body: Record<string, unknown> = { ...base(), ...fields };
        for (const key of Object.keys(fields)) if (fields[key] === undefined) delete body[key];
        if (typeof body.eventId === 'string') ids.push(body.eventId);
        const answer = await adm.createEvent(body);
        expect({ fields: Object.keys(fields), bad: badFields(answer) }).toEqual({ fields: Object.keys(fields), bad: expected });
      }
      for (const eventId of ids.filter((id) => /^[A-Za-z0-9._-]{1,64}$/.test(id))) {
        expectError(await adm.getEvent(eventId), 404, 'EVENT_NOT_FOUND');
      }
      // Bodies that are not JSON objects are refused before any field is looked at.
      const raw = (text: string, type = 'application/json') =>
        foyer.http.request('POST', '/v1/admin/events', { raw: text, headers: { 'content-type': type }, token: ADMIN_KEY });
      const rawId = uniqueEventId(mode);
      expectError(await raw(`{"eventId": "${rawId}", "name": "x", "limitCnt": 1`), 400, 'INVALID_JSON');
      expectError(await raw(''), 400, 'INVALID_JSON');
      expectError(await raw(`eventId=${rawId}&name=x&limitCnt=1`, 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectError(await raw(JSON.stringify({ eventId: rawId, name: 'x', limitCnt: 1 }), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectError(await raw(JSON.stringify({ eventId: rawId, name: 'x', limitCnt: 1, message: 'm'.repeat(70_000) })), 413, 'PAYLOAD_TOO_LARGE');
      expectError(
        await foyer.http.request('PATCH', `/v1/admin/events/${rawId}`, { raw: '{', headers: { 'content-type': 'application/json' }, token: ADMIN_KEY }),
        400,
        'INVALID_JSON',
      );
      expectError(await adm.getEvent(rawId), 404, 'EVENT_NOT_FOUND');
      // At the boundary the pacing rule holds.
      expect((await adm.createEvent({ ...base(), waitTimeoutSec: 3, minPollIntervalMs: 1000 })).status).toBe(201);
    });

    it('refuses a callbackUrl on a loopback or private address (lifecycle notifications are callbacks)', async () => {
      for (const callbackUrl of ['http://127.0.0.1:9/hook', 'http://10.1.2.3/hook', 'http://[::1]/hook', 'http://169.254.169.254/x']) {
        const eventId = uniqueEventId(mode);
        expectError(await adm.createEvent({ eventId, name: 'x', limitCnt: 1, callbackUrl }), 400, 'CALLBACK_URL_FORBIDDEN');
        expectError(await adm.getEvent(eventId), 404, 'EVENT_NOT_FOUND');
      }
      const eventId = await newEvent();
      expectError(await adm.patchEvent(eventId, { callbackUrl: 'http://192.168.0.10/hook' }), 400, 'CALLBACK_URL_FORBIDDEN');
      expect((await adm.getEvent(eventId)).body.callbackUrl).toBeNull();
    });

    it('lists events, and reads one with its stats', async () => {
      const first = await newEvent({ name: 'Listed one' });
      const second = await newEvent({ name: 'Listed two', limitCnt: 7 });
      const listed = await foyer.http.get('/v1/admin/events', { token: ADMIN_KEY });
      expect(listed.status).toBe(200);
      expect(Array.isArray(listed.body.items)).toBe(true);
      const byId = new Map((listed.body.items as { eventId: string }[]).map((item) => [item.eventId, item]));
      expect(byId.get(first)).toMatchObject({ eventId: first, name: 'Listed one', status: 'OPEN' });
      expect(byId.get(second)).toMatchObject({ eventId: second, name: 'Listed two', limitCnt: 7 });

      // Creating the event journaled its settings through the outbox: read it once the forwarder has them.
      const read = await eventually(async () => {
        const answer = await adm.getEvent(second);
        return answer.body.stats?.journalPending === 0 && answer;
      });
      expect(read.status).toBe(200);
      const { stats: readStats, ...fields } = read.body;
      expect(fields).toEqual(byId.get(second));
      expect(readStats).toEqual({
        waiting: 0,
        active: 0,
        admittedTotal: 0,
        exitedTotal: 0,
        expiredTotal: 0,
        abandonedTotal: 0,
        journalPending: 0,
        journalLagMs: 0,
      });

      expectError(await adm.getEvent(uniqueEventId('missing')), 404, 'EVENT_NOT_FOUND');
      // An id no event can have is not found, however long, never a 500.
      expectError(await adm.getEvent('no%20such%20event'), 404, 'EVENT_NOT_FOUND');
      expectError(await adm.getEvent('y'.repeat(65)), 404, 'EVENT_NOT_FOUND');
      for (const answer of [await adm.getEvent('x'.repeat(300)), await adm.deleteEvent('x'.repeat(300))]) {
        expectError(answer, 404, 'EVENT_NOT_FOUND');
      }
    });

    it('counts waiting, active, admitted and exited users as they act', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const first = await enterOk({ eventId, id: 'first' });
      expect(await stats(eventId)).toEqual({ waiting: 0, active: 1, admittedTotal: 1, exitedTotal: 0, expiredTotal: 0, abandonedTotal: 0 });
      await enterOk({ eventId, id: 'second' });
      await enterOk({ eventId, id: 'third' });
      expect(await stats(eventId)).toEqual({ waiting: 2, active: 1, admittedTotal: 1, exitedTotal: 0, expiredTotal: 0, abandonedTotal: 0 });
      expect((await v.exit(first.successToken)).body.status).toBe('EXITED');
      expect(await stats(eventId)).toEqual({ waiting: 1, active: 1, admittedTotal: 2, exitedTotal: 1, expiredTotal: 0, abandonedTotal: 0 });
    });

    it('says how far the journal is behind the line, and it catches up as the forwarder runs', async () => {
      const eventId = await newEvent({ limitCnt: 0 });
      for (const id of ['j1', 'j2', 'j3']) await enterOk({ eventId, id });
      // The forwarder (a role of this process) empties the outbox within a pass or two.
      await eventually(async () => {
        const answer = await adm.getEvent(eventId);
        expect(answer.body.stats).toMatchObject({ waiting: 3, journalPending: 0, journalLagMs: 0 });
        return true;
      }, 20_000);
      const journal = await foyer.http.get(`/v1/admin/journal?eventId=${eventId}`, { token: ADMIN_KEY });
      expect(journal.body.items.filter((item: { type: string }) => item.type === 'user.entered')).toHaveLength(3);
      const metrics = await foyer.http.get('/metrics');
      expect(metrics.text).toContain('# TYPE foyer_journal_lag_seconds gauge');
      expect(metrics.text).toContain(`foyer_journal_lag_seconds{event="${eventId}"} 0`);
      expect(metrics.text).toContain(`foyer_journal_pending{event="${eventId}"} 0`);
    });

    it('counts sessions that ran out (expiredTotal) and waiters who left (abandonedTotal)', async () => {
      const sessions = await newEvent({ limitCnt: 2, sessionTtlSec: 1 });
      await enterOk({ eventId: sessions, id: 'short-1' });
      await enterOk({ eventId: sessions, id: 'short-2' });
      await eventually(
        async () => {
          const current = await stats(sessions);
          return current.expiredTotal === 2 && current.active === 0 ? current : undefined;
        },
        15_000,
        'both sessions to expire',
      );

      const waiters = await newEvent({ limitCnt: 0, waitTimeoutSec: 2 });
      await enterOk({ eventId: waiters, id: 'leaves' });
      expect(await stats(waiters)).toMatchObject({ waiting: 1, abandonedTotal: 0 });
      const after = await eventually(
        async () => {
          const current = await stats(waiters);
          return current.abandonedTotal === 1 && current.waiting === 0 ? current : undefined;
        },
        15_000,
        'the silent waiter to be swept',
      );
      expect(after).toMatchObject({ active: 0, admittedTotal: 0 });
      const journal = await journalWith(waiters, 'user.abandoned');
      expect(journal.filter((entry) => entry.type === 'user.abandoned').map((entry) => entry.id)).toEqual(['leaves']);
      expect(
        (await journalWith(sessions, 'user.expired', 2))
          .filter((entry) => entry.type === 'user.expired')
          .map((entry) => entry.id)
          .sort(),
      ).toEqual(['short-1', 'short-2']);
    });

    it('PATCHes any subset of the writable fields; "" and null clear the nullable ones', async () => {
      const eventId = await newEvent({
        name: 'Before',
        limitCnt: 5,
        successUrl: 'https://shop.example/a',
        callbackUrl: 'https://hooks.example/a',
        message: 'Hello',
      });
      const original = (await adm.getEvent(eventId)).body;

      const renamed = await adm.patchEvent(eventId, { name: 'After' });
      expect(renamed.status).toBe(200);
      const { stats: _ignored, ...originalFields } = original;
      expect(renamed.body).toEqual({ ...originalFields, name: 'After', updatedAt: expect.stringMatching(ISO_TIME) });
      expect(Date.parse(renamed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(original.updatedAt));
      expect(renamed.body.createdAt).toBe(original.createdAt);

      expect((await adm.patchEvent(eventId, { message: '' })).body.message).toBeNull();
      expect((await adm.patchEvent(eventId, { message: 'Back soon' })).body.message).toBe('Back soon');
      expect((await adm.patchEvent(eventId, { message: null })).body.message).toBeNull();
      const cleared = await adm.patchEvent(eventId, { successUrl: null, callbackUrl: null });
      expect(cleared.body).toMatchObject({ successUrl: null, callbackUrl: null, name: 'After', limitCnt: 5 });

      const many = await adm.patchEvent(eventId, { limitCnt: 9, sessionTtlSec: 120, blockReentry: false, status: 'PAUSED' });
      expect(many.body).toMatchObject({ limitCnt: 9, sessionTtlSec: 120, blockReentry: false, status: 'PAUSED', name: 'After' });
      const unchanged = await adm.patchEvent(eventId, {});
      expect(unchanged.status).toBe(200);
      expect(unchanged.body).toMatchObject({ limitCnt: 9, sessionTtlSec: 120, blockReentry: false, status: 'PAUSED', name: 'After' });
      const read = await adm.getEvent(eventId);
      expect(read.body).toMatchObject({ limitCnt: 9, sessionTtlSec: 120, blockReentry: false, status: 'PAUSED', name: 'After', message: null });

      // An admitted user's ENTER answer carries no successUrl once it is cleared.
      await adm.patchEvent(eventId, { status: 'OPEN' });
      const admitted = await enterOk({ eventId, id: 'no-url' });
      expect(admitted.status).toBe('ENTER');
      expect(admitted).not.toHaveProperty('successUrl');
    });

    it('refuses bad PATCHes with 400 (null for non-nullable fields, unknown fields, the pacing rule) and changes nothing', async () => {
      const eventId = await newEvent({ name: 'Stable', limitCnt: 4, waitTimeoutSec: 300, minPollIntervalMs: 1000 });
      const before = (await adm.getEvent(eventId)).body;
      const cases: [Record<string, unknown>, string[]][] = [
        [{ name: null }, ['name']],
        [{ limitCnt: null }, ['limitCnt']],
        [{ status: null }, ['status']],
        [{ blockReentry: null }, ['blockReentry']],
        [{ sessionTtlSec: null }, ['sessionTtlSec']],
        [{ waitTimeoutSec: null }, ['waitTimeoutSec']],
        [{ minPollIntervalMs: null }, ['minPollIntervalMs']],
        [{ idPolicy: null }, ['idPolicy']],
        [{ limitCnt: -1 }, ['limitCnt']],
        [{ eventId: 'renamed' }, ['eventId']],
        [{ updatedAt: '2026-01-01T00:00:00Z' }, ['updatedAt']],
        [{ name: 'Changed', bogus: 1 }, ['bogus']],
        // Makes the existing floor (1000 ms) exceed a third of the wait timeout (666 ms).
        [{ waitTimeoutSec: 2 }, ['minPollIntervalMs']],
        [{ minPollIntervalMs: 50_000, waitTimeoutSec: 100 }, ['minPollIntervalMs']],
      ];
      for (const [fields, expected] of cases) {
        const answer = await adm.patchEvent(eventId, fields);
        expect({ fields, status: answer.status }).toEqual({ fields, status: 400 });
        expect({ fields, bad: badFields(answer) }).toEqual({ fields, bad: expected });
      }
      // The journal's lag is a live reading (it ages by itself until the forwarder runs): the rest must not move.
      expect(withoutJournalReading((await adm.getEvent(eventId)).body)).toEqual(withoutJournalReading(before));
      // Raising both together keeps the rule and is accepted.
      expect((await adm.patchEvent(eventId, { minPollIntervalMs: 50_000, waitTimeoutSec: 150 })).status).toBe(200);
      expectError(await adm.patchEvent(uniqueEventId('missing'), { name: 'x' }), 404, 'EVENT_NOT_FOUND');
    });

    it('admits more at the next tick when limitCnt is raised; lowering it evicts nobody', async () => {
      const eventId = await newEvent({ limitCnt: 0 });
      const a = await enterOk({ eventId, id: 'a' });
      const b = await enterOk({ eventId, id: 'b' });
      expect([a.expectedInfo.rank, b.expectedInfo.rank]).toEqual([1, 2]);

      expect((await adm.patchEvent(eventId, { limitCnt: 1 })).status).toBe(200);
      const admitted = await eventually(
        async () => {
          const state = await pollOk(a.ticket);
          return state.status === 'ENTER' ? state : undefined;
        },
        15_000,
        'a to be admitted',
      );
      expect(admitted.successToken).toEqual(expect.any(String));
      expect(await pollOk(b.ticket)).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });

      await adm.patchEvent(eventId, { limitCnt: 2 });
      await eventually(async () => ((await pollOk(b.ticket)).status === 'ENTER' ? true : undefined), 15_000, 'b to be admitted');

      await adm.patchEvent(eventId, { limitCnt: 0 });
      const c = await enterOk({ eventId, id: 'c' });
      expect(c.status).toBe('WAIT');
      expect(await pollOk(a.ticket)).toMatchObject({ status: 'ENTER', successToken: admitted.successToken });
      expect(await pollOk(b.ticket)).toMatchObject({ status: 'ENTER' });
      expect(await stats(eventId)).toMatchObject({ active: 2, waiting: 1, admittedTotal: 2, exitedTotal: 0, expiredTotal: 0 });
    });

    it('PAUSED queues but admits nobody, not even on an exit; OPEN again admits at the next tick', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const inside = await enterOk({ eventId, id: 'inside' });
      const waiting = await enterOk({ eventId, id: 'waiting' });
      expect((await adm.patchEvent(eventId, { status: 'PAUSED' })).status).toBe(200);
      expect(await pollOk(waiting.ticket)).toMatchObject({
        status: 'WAIT',
        eventStatus: 'PAUSED',
        expectedInfo: { rank: 1, waitSeconds: null, time: null, waitSecondsP25: null, waitSecondsP75: null },
      });
      expect((await v.exit(inside.successToken)).body.status).toBe('EXITED');
      expect(await pollOk(waiting.ticket)).toMatchObject({ status: 'WAIT', eventStatus: 'PAUSED' });
      expect(await enterOk({ eventId, id: 'late' })).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 2 } });
      expect(await stats(eventId)).toMatchObject({ active: 0, waiting: 2, admittedTotal: 1 });

      await adm.patchEvent(eventId, { status: 'OPEN' });
      await eventually(async () => ((await pollOk(waiting.ticket)).status === 'ENTER' ? true : undefined), 15_000, 'admission after reopening');
    });

    it('closing an event ends every waiting place (EXPIRED, EVENT_CLOSED) while admitted sessions run on', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const inside = await enterOk({ eventId, id: 'inside' });
      const second = await enterOk({ eventId, id: 'second' });
      const third = await enterOk({ eventId, id: 'third' });

      expect((await adm.patchEvent(eventId, { status: 'CLOSED' })).body.status).toBe('CLOSED');
      for (const [state, id] of [
        [second, 'second'],
        [third, 'third'],
      ] as const) {
        const closed = await eventually(
          async () => {
            const polled = await pollOk(state.ticket);
            return polled.status === 'EXPIRED' ? polled : undefined;
          },
          15_000,
          `${id} to lose its place`,
        );
        expect(closed).toEqual({ id, eventId, eventStatus: 'CLOSED', status: 'EXPIRED', reason: 'EVENT_CLOSED' });
      }
      // A resume answers the current state; a new place is refused.
      expect(await enterOk({ eventId }, second.ticket)).toMatchObject({ status: 'EXPIRED', reason: 'EVENT_CLOSED' });
      expectError(await v.enter({ eventId, id: 'newcomer' }), 409, 'EVENT_NOT_OPEN');
      expectError(await v.enter({ eventId, id: 'second' }), 409, 'EVENT_NOT_OPEN');

      expect(await pollOk(inside.ticket)).toMatchObject({ status: 'ENTER', eventStatus: 'CLOSED', successToken: inside.successToken });
      expect((await v.verify(inside.successToken)).body).toMatchObject({ valid: true, id: 'inside' });

      const journal = await journalWith(eventId, 'user.removed', 2);
      const removed = journal.filter((entry) => entry.type === 'user.removed');
      expect(removed.map((entry) => entry.id).sort()).toEqual(['second', 'third']);
      for (const entry of removed) expect(entry.payload).toMatchObject({ reason: expect.any(String) });
      await eventually(async () => ((await stats(eventId)).waiting === 0 ? true : undefined), 15_000, 'the line to empty');
      expect(await stats(eventId)).toMatchObject({ active: 1 });

      // The exit webhook still works on a closed event; the session was admitted before.
      expect((await v.exit(inside.successToken)).body.status).toBe('EXITED');
    });

    it('switching to DRAFT also ends every waiting place', async () => {
      const eventId = await newEvent({ limitCnt: 0 });
      const waiting = await enterOk({ eventId, id: 'drafted' });
      await adm.patchEvent(eventId, { status: 'DRAFT' });
      const state = await eventually(
        async () => {
          const polled = await pollOk(waiting.ticket);
          return polled.status === 'EXPIRED' ? polled : undefined;
        },
        15_000,
        'the place to end',
      );
      expect(state).toMatchObject({ eventStatus: 'DRAFT', reason: 'EVENT_CLOSED' });
      expectError(await v.enter({ eventId, id: 'other' }), 409, 'EVENT_NOT_OPEN');
    });

    it('DELETE answers 204, then 404 everywhere, and the queue state is gone', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      const inside = await enterOk({ eventId, id: 'inside' });
      const waiting = await enterOk({ eventId, id: 'waiting' });

      const deleted = await adm.deleteEvent(eventId);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');

      expectError(await adm.getEvent(eventId), 404, 'EVENT_NOT_FOUND');
      expectError(await adm.patchEvent(eventId, { name: 'x' }), 404, 'EVENT_NOT_FOUND');
      expectError(await adm.deleteEvent(eventId), 404, 'EVENT_NOT_FOUND');
      expectError(await v.enter({ eventId, id: 'someone' }), 404, 'EVENT_NOT_FOUND');
      expectError(await v.poll(waiting.ticket), 404, 'EVENT_NOT_FOUND');
      expectError(await v.poll(inside.ticket), 404, 'EVENT_NOT_FOUND');
      expectError(await v.enter({ eventId }, { ticket: waiting.ticket }), 404, 'EVENT_NOT_FOUND');
      expectError(await v.exit(inside.successToken), 404, 'EVENT_NOT_FOUND');
      expect((await v.verify(inside.successToken)).body).toEqual({ valid: false, reason: 'EVENT_NOT_FOUND' });
      const listed = await foyer.http.get('/v1/admin/events', { token: ADMIN_KEY });
      expect((listed.body.items as { eventId: string }[]).map((item) => item.eventId)).not.toContain(eventId);

      // The same id made again starts empty: nobody is inside, nobody waits, nobody is blocked.
      await newEvent({ eventId, limitCnt: 1 });
      expect(await stats(eventId)).toEqual({ waiting: 0, active: 0, admittedTotal: 0, exitedTotal: 0, expiredTotal: 0, abandonedTotal: 0 });
      expect(await enterOk({ eventId, id: 'waiting' })).toMatchObject({ status: 'ENTER' });
      expect(await enterOk({ eventId, id: 'inside' })).toMatchObject({ status: 'WAIT', expectedInfo: { rank: 1 } });
    });
  });

  describe('SIGNED events without ENTRY_TOKEN_SECRET (own app)', () => {
    let plainBacking: FoyerBacking;
    let plain: RunningFoyer;

    beforeAll(async () => {
      plainBacking = await createBacking(mode, { ENTRY_TOKEN_SECRET: '' });
      plain = await startFoyer(plainBacking);
    }, 120_000);

    afterAll(async () => {
      await plain?.close();
      await plainBacking?.dispose();
    });

    it('refuses idPolicy SIGNED with 400 while the secret is unset', async () => {
      const plainAdmin = admin(plain.http);
      const eventId = uniqueEventId(mode);
      expect(badFields(await plainAdmin.createEvent({ eventId, name: 'x', limitCnt: 1, idPolicy: 'SIGNED' }))).toEqual(['idPolicy']);
      expectError(await plainAdmin.getEvent(eventId), 404, 'EVENT_NOT_FOUND');
      expect((await plainAdmin.createEvent({ eventId, name: 'x', limitCnt: 1 })).status).toBe(201);
      expect(badFields(await plainAdmin.patchEvent(eventId, { idPolicy: 'SIGNED' }))).toEqual(['idPolicy']);
      expect((await plainAdmin.getEvent(eventId)).body.idPolicy).toBe('OPEN');
    });
  });

  describe('journal', () => {
    async function readAll(query = ''): Promise<{ items: JournalEntry[]; pages: number }> {
      const items: JournalEntry[] = [];
      let after = 0;
      let pages = 0;
      for (;;) {
        const page = await adm.journal(`after=${after}&limit=3${query}`);
        expect(page.status).toBe(200);
        pages += 1;
        if (page.body.items.length === 0) {
          expect(page.body.nextAfter).toBe(after);
          return { items, pages };
        }
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        items.push(...page.body.items);
        expect(page.body.nextAfter).toBe(page.body.items.at(-1).offset);
        after = page.body.nextAfter;
      }
    }

    it('records every change of an event in order, one entry each', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      await adm.patchEvent(eventId, { name: 'Renamed' });
      const first = await enterOk({ eventId, id: 'first' });
      await enterOk({ eventId, id: 'second' });
      await v.exit(first.successToken);
      await journalWith(eventId, 'user.admitted', 2);
      expect((await adm.deleteEvent(eventId)).status).toBe(204);

      const entries = await journalWith(eventId, 'event.deleted');
      // The store's own entries (built, renamed) come through its outbox with the users' ones, so
      // where they fall among the event.* entries, which the database writes at once, is timing.
      const storeEntries = entries.filter((entry) => entry.type === 'queue.configured');
      expect(storeEntries.map((entry) => entry.payload)).toEqual([
        { closedSeq: 0, seq: 0, lost: [], epoch: expect.any(String) },
        { closedSeq: 0, epoch: storeEntries[0].payload.epoch },
      ]);
      expect(entries.filter((entry) => entry.type !== 'queue.configured').map((entry) => [entry.type, entry.id])).toEqual([
        ['event.created', undefined],
        ['event.updated', undefined],
        ['user.admitted', 'first'],
        ['user.entered', 'second'],
        ['user.exited', 'first'],
        ['user.admitted', 'second'],
        ['event.deleted', undefined],
      ]);
      for (const entry of entries) {
        expect(entry).toMatchObject({ offset: expect.any(Number), eventId, payload: expect.any(Object), createdAt: expect.stringMatching(ISO_TIME) });
      }
      // Times are ISO strings everywhere, payloads included.
      for (const entry of entries.filter((e) => e.type === 'user.admitted')) {
        expect(entry.payload.expiresAt).toEqual(expect.stringMatching(ISO_TIME));
      }
      const offsets = entries.map((entry) => entry.offset);
      expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
      expect(new Set(offsets).size).toBe(offsets.length);
    });

    it('pages by offset: dense, increasing, never missing or repeating an entry; an empty page keeps `after`', async () => {
      const eventId = await newEvent({ limitCnt: 2 });
      for (const id of ['p1', 'p2', 'p3', 'p4']) await enterOk({ eventId, id });
      await journalWith(eventId, 'user.entered', 2);

      const { items, pages } = await readAll();
      expect(pages).toBeGreaterThan(2);
      expect(items.length).toBeGreaterThanOrEqual(7);
      items.forEach((entry, index) => {
        if (index > 0) expect(entry.offset).toBe(items[index - 1].offset + 1);
      });
      expect(items[0].offset).toBe(1);
      // One big page says the same as many small ones.
      const whole = await adm.journal(`after=0&limit=1000`);
      expect(whole.body.items.slice(0, items.length)).toEqual(items);

      const mine = (await readAll(`&eventId=${eventId}`)).items;
      expect(mine.map((entry) => [entry.type, entry.id])).toEqual([
        ['event.created', undefined],
        ['queue.configured', undefined],
        ['user.admitted', 'p1'],
        ['user.admitted', 'p2'],
        ['user.entered', 'p3'],
        ['user.entered', 'p4'],
      ]);
      expect(mine).toEqual(items.filter((entry) => entry.eventId === eventId));

      const last = items.at(-1)!.offset;
      for (const after of [last + 1000, 10 ** 9]) {
        const empty = await adm.journal(`after=${after}&limit=10`);
        expect(empty.status).toBe(200);
        expect(empty.body).toEqual({ items: [], nextAfter: after });
      }
      const emptyFiltered = await adm.journal(`after=${last + 5}&eventId=${uniqueEventId('nobody')}`);
      expect(emptyFiltered.body).toEqual({ items: [], nextAfter: last + 5 });
      // Defaults: after 0, a page of at most 100.
      const defaults = await adm.journal('');
      expect(defaults.status).toBe(200);
      expect(defaults.body.items[0].offset).toBe(1);
      expect(defaults.body.items.length).toBeLessThanOrEqual(100);
    });

    it('answers a bad query with 400 VALIDATION_FAILED naming the parameter', async () => {
      const cases: [string, string][] = [
        ['limit=0', 'limit'],
        ['limit=-3', 'limit'],
        ['limit=abc', 'limit'],
        ['limit=1.5', 'limit'],
        ['limit=1001', 'limit'],
        ['after=-1', 'after'],
        ['after=abc', 'after'],
        ['after=2.5', 'after'],
        ['eventId=bad%20id', 'eventId'],
      ];
      for (const [query, field] of cases) {
        const answer = await adm.journal(query);
        expect({ query, fields: badFields(answer) }).toEqual({ query, fields: [field] });
      }
    });
  });

  describe('operations', () => {
    it('answers /health/live and /health/ready', async () => {
      const live = await foyer.http.get('/health/live');
      expect(live.status).toBe(200);
      const ready = await foyer.http.get('/health/ready');
      expect(ready.status).toBe(200);
    });

    it('exports Prometheus metrics', async () => {
      const eventId = await newEvent({ limitCnt: 1 });
      await enterOk({ eventId, id: 'in' });
      await enterOk({ eventId, id: 'out' });
      expect((await foyer.http.get('/v1/no-such-route')).status).toBe(404);
      const metrics = await foyer.http.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(metrics.text).toContain('# TYPE foyer_enters_total counter');
      expect(metrics.text).toContain('# TYPE foyer_queue_waiting gauge');
      expect(metrics.text).toContain('# TYPE foyer_queue_active gauge');
      expect(metrics.text).toContain(`foyer_enters_total{event="${eventId}",outcome="ENTER"} 1`);
      expect(metrics.text).toContain(`foyer_enters_total{event="${eventId}",outcome="WAIT"} 1`);
      expect(metrics.text).toContain(`foyer_queue_waiting{event="${eventId}"} 1`);
      expect(metrics.text).toContain(`foyer_queue_active{event="${eventId}"} 1`);
      // Request durations carry the route's path, or `unmatched` when no route matched.
      const durations = (route: string, status: number) =>
        Number(
          new RegExp(`^foyer_http_request_duration_seconds_count\\{method="[A-Z]+",route="${route}",status="${status}"\\} (\\d+)$`, 'm').exec(
            metrics.text,
          )?.[1] ?? 0,
        );
      expect(durations('/v1/queue/enter', 200)).toBeGreaterThanOrEqual(2);
      expect(durations('/v1/admin/events', 201)).toBeGreaterThanOrEqual(1);
      expect(durations('unmatched', 404)).toBeGreaterThanOrEqual(1);
      // Every sample line is `name{labels} value`.
      for (const line of metrics.text.split('\n').filter((l) => l && !l.startsWith('#'))) {
        expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/);
      }
    });

    it('lists every route of the contract in the OpenAPI document', async () => {
      const doc = await foyer.http.get('/docs-json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      const routes: [string, string][] = [
        ['post', '/v1/queue/enter'],
        ['get', '/v1/queue/status'],
        ['post', '/v1/active/verify'],
        ['post', '/v1/active/exit'],
        ['get', '/.well-known/jwks.json'],
        ['post', '/v1/admin/events'],
        ['get', '/v1/admin/events'],
        ['get', '/v1/admin/events/{eventId}'],
        ['patch', '/v1/admin/events/{eventId}'],
        ['delete', '/v1/admin/events/{eventId}'],
        ['get', '/v1/admin/journal'],
        ['get', '/health/live'],
        ['get', '/health/ready'],
        ['get', '/metrics'],
        ['get', '/docs'],
        ['get', '/docs-json'],
      ];
      const listed = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method} ${path}`),
      );
      for (const [method, path] of routes) expect(listed).toContain(`${method} ${path}`);
      const ui = await foyer.http.get('/docs');
      expect(ui.status).toBe(200);
      expect(ui.text.toLowerCase()).toContain('swagger');
    });

    it('types whole numbers as integer in the OpenAPI document, so generated clients do too', async () => {
      const doc = await foyer.http.get('/docs-json');
      const schemas = doc.body.components.schemas as Record<string, { properties: Record<string, { type?: string }> }>;
      const typeOf = (schema: string, property: string) => schemas[schema]?.properties[property]?.type;
      for (const [schema, property] of [
        ['ExpectedInfoDto', 'rank'],
        ['ExpectedInfoDto', 'waitSeconds'],
        ['QueueStateDto', 'pollAfterMs'],
        ['CreateEventDto', 'limitCnt'],
        ['EventDto', 'minPollIntervalMs'],
        ['EventStatsDto', 'waiting'],
        ['ErrorResponseDto', 'statusCode'],
        ['JournalEntryDto', 'offset'],
        ['CallbackAttemptDto', 'durationMs'],
      ]) {
        expect(`${schema}.${property}: ${typeOf(schema, property)}`).toBe(`${schema}.${property}: integer`);
      }
      // Rates per minute are fractional.
      expect(typeOf('SeriesPointDto', 'admittedPerMin')).toBe('number');
      const journalLimit = (doc.body.paths['/v1/admin/journal'].get.parameters as { name: string; schema: { type: string } }[]).find((p) => p.name === 'limit');
      expect(journalLimit?.schema.type).toBe('integer');
    });
  });
});

/** An event as GET answers it, without the journal's live reading (`journalPending`, `journalLagMs`). */
function withoutJournalReading(event: { stats: Record<string, unknown> }): unknown {
  const { journalPending: _pending, journalLagMs: _lag, ...stats } = event.stats;
  return { ...event, stats };
}
