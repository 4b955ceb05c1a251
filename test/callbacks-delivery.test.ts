/**
 * Ordered callbacks end to end in one process (api + dispatcher + scheduler) on Redis and
 * PostgreSQL, delivering to real HTTP receivers on 127.0.0.1: signatures, order under retries,
 * dead-lettering with CONTINUE and HALT, retry and skip, Retry-After, timeouts, redirects,
 * lifecycle notifications, ingest routes and metrics. Nothing here times anything: each test waits
 * for a state, with a generous bound.
 */
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { CallbackReceiver } from './support/callback-receiver.js';
import { ADMIN_KEY, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually, sleep } from './support/services.js';

jest.setTimeout(60_000);

const SIGNING_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const MAX_ATTEMPTS = 3;
const TIMEOUT_MS = 1_000;

describe('ordered callbacks: delivery (redis + postgres)', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let receiver: CallbackReceiver;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    receiver = await new CallbackReceiver().start();
    backing = await createBacking('redis');
    foyer = await startFoyer(backing, {
      CALLBACK_ALLOW_PRIVATE: 'true',
      CALLBACK_SIGNING_SECRET: SIGNING_SECRET,
      CALLBACK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      CALLBACK_RETRY_BASE_MS: '20',
      CALLBACK_TIMEOUT_MS: String(TIMEOUT_MS),
    });
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
    await receiver?.close();
  });

  const group = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;
  const post = (body: Record<string, unknown>) => foyer.http.post('/v1/callbacks', body, { token: ADMIN_KEY });
  const status = async (messageId: string) => (await foyer.http.get(`/v1/callbacks/${encodeURIComponent(messageId)}`, { token: ADMIN_KEY })).body;
  const attempts = async (messageId: string) =>
    (await foyer.http.get(`/v1/callbacks/${encodeURIComponent(messageId)}/attempts`, { token: ADMIN_KEY })).body.items as Record<string, any>[];
  const until = (messageId: string, wanted: string, timeoutMs = 20_000) =>
    eventually(
      async () => {
        const current = await status(messageId);
        return current.status === wanted ? current : undefined;
      },
      timeoutMs,
      `${messageId} to be ${wanted}`,
    );

  it('delivers with Standard Webhooks headers that an independent implementation verifies', async () => {
    const groupId = group('sig');
    const body = { call: 'c-1', event: 'answered', nested: { list: [1, 2, 3], text: '한글 ✓' } };
    const accepted = await post({ callbackUrl: receiver.url('/signed?x=1'), groupId, body, messageId: `${groupId}-m1` });
    expect(accepted.status).toBe(202);
    await until(`${groupId}-m1`, 'DONE');
    const [request] = receiver.forGroup(groupId);
    expect(request.path).toBe('/signed?x=1');
    expect(JSON.parse(request.body)).toEqual(body);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-foyer-message-id']).toBe(`${groupId}-m1`);
    expect(request.headers['x-foyer-group-id']).toBe(groupId);
    expect(request.headers['x-foyer-attempt']).toBe('1');
    expect(request.webhookId).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    const verified = new Webhook(SIGNING_SECRET).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    expect(verified).toEqual(body);
    // A tampered body fails the same check.
    expect(() =>
      new Webhook(SIGNING_SECRET).verify(request.body.replace('answered', 'hung-up'), {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      }),
    ).toThrow();
    const done = await status(`${groupId}-m1`);
    expect(done).toMatchObject({
      status: 'DONE',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      processedStatus: 'SUCCEEDED',
      webhookId: request.webhookId,
    });
    expect(done.processedAt).toEqual(expect.any(String));
  });

  it('keeps the successor waiting while a message is retried, then delivers in order with one webhook-id', async () => {
    const groupId = group('retry');
    let failuresLeft = 2;
    receiver.behaviour = (request) => {
      if (request.groupId === groupId && request.messageId.endsWith('-m1') && failuresLeft > 0) {
        failuresLeft--;
        return { status: 500, body: 'not yet' };
      }
      return undefined;
    };
    for (const n of [1, 2, 3]) {
      expect((await post({ callbackUrl: receiver.url(), groupId, body: { n }, messageId: `${groupId}-m${n}` })).status).toBe(202);
    }
    await until(`${groupId}-m3`, 'DONE');
    const seen = receiver.forGroup(groupId);
    expect(seen.map((r) => `${r.messageId.slice(-2)}#${r.attempt}`)).toEqual(['m1#1', 'm1#2', 'm1#3', 'm2#1', 'm3#1']);
    expect(new Set(seen.slice(0, 3).map((r) => r.webhookId)).size).toBe(1);
    expect(new Set(seen.map((r) => r.webhookId)).size).toBe(3);
    const first = await status(`${groupId}-m1`);
    expect(first).toMatchObject({ status: 'DONE', attempts: 3, lastStatusCode: 200, processedStatus: 'SUCCEEDED' });
    const history = await attempts(`${groupId}-m1`);
    expect(history.map((a) => [a.attempt, a.statusCode, a.succeeded])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    expect(history[0].error).toContain('HTTP 500');
    expect(history[0].durationMs).toEqual(expect.any(Number));
  });

  it('dead-letters after the last attempt; CONTINUE moves the group on', async () => {
    const groupId = group('continue');
    receiver.behaviour = (request) => (request.messageId === `${groupId}-m1` ? { status: 503 } : undefined);
    await post({ callbackUrl: receiver.url(), groupId, body: { n: 1 }, messageId: `${groupId}-m1` });
    await post({ callbackUrl: receiver.url(), groupId, body: { n: 2 }, messageId: `${groupId}-m2` });
    await until(`${groupId}-m2`, 'DONE');
    const dead = await status(`${groupId}-m1`);
    expect(dead).toMatchObject({ status: 'DEAD', attempts: MAX_ATTEMPTS, lastStatusCode: 503, processedStatus: 'FAILED' });
    expect(receiver.forGroup(groupId).map((r) => r.messageId.slice(-2))).toEqual([...Array(MAX_ATTEMPTS).fill('m1'), 'm2']);
    const listed = await foyer.http.get(`/v1/callbacks?status=DEAD&groupId=${groupId}`, { token: ADMIN_KEY });
    expect(listed.body.items.map((m: { messageId: string }) => m.messageId)).toEqual([`${groupId}-m1`]);
  });

  it('HALT holds the group until the dead message is retried, then keeps the order', async () => {
    const groupId = group('halt');
    let failing = true;
    receiver.behaviour = (request) => (failing && request.messageId === `${groupId}-m1` ? { status: 500 } : undefined);
    await post({ callbackUrl: receiver.url(), groupId, body: { n: 1 }, messageId: `${groupId}-m1`, onDead: 'HALT' });
    await post({ callbackUrl: receiver.url(), groupId, body: { n: 2 }, messageId: `${groupId}-m2` });
    await until(`${groupId}-m1`, 'DEAD');
    // Held: m2 is not delivered while m1 is dead (given time to go wrong, which it must not).
    await sleep(500);
    expect(receiver.forGroup(groupId).every((r) => r.messageId.endsWith('-m1'))).toBe(true);
    expect((await status(`${groupId}-m2`)).status).toBe('PENDING');
    // A message added to a halted group waits too.
    await post({ callbackUrl: receiver.url(), groupId, body: { n: 3 }, messageId: `${groupId}-m3` });
    failing = false;
    const retried = await foyer.http.post(`/v1/callbacks/${groupId}-m1/retry`, undefined, { token: ADMIN_KEY });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ messageId: `${groupId}-m1`, status: 'PENDING', attempts: 0, processedStatus: null });
    await until(`${groupId}-m3`, 'DONE');
    const order = receiver.forGroup(groupId).map((r) => `${r.messageId.slice(-2)}#${r.attempt}`);
    expect(order).toEqual([...Array.from({ length: MAX_ATTEMPTS }, (_, i) => `m1#${i + 1}`), 'm1#1', 'm2#1', 'm3#1']);
    expect(await status(`${groupId}-m1`)).toMatchObject({ status: 'DONE', attempts: 1, processedStatus: 'SUCCEEDED' });
  });

  it('skip gives up on a dead HALT message and lets its group move on', async () => {
    const groupId = group('skip');
    receiver.behaviour = (request) => (request.messageId === `${groupId}-m1` ? { status: 500 } : undefined);
    await post({ callbackUrl: receiver.url(), groupId, body: { n: 1 }, messageId: `${groupId}-m1`, onDead: 'HALT' });
    await post({ callbackUrl: receiver.url(), groupId, body: { n: 2 }, messageId: `${groupId}-m2` });
    await until(`${groupId}-m1`, 'DEAD');
    const skipped = await foyer.http.post(`/v1/callbacks/${groupId}-m1/skip`, undefined, { token: ADMIN_KEY });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ status: 'SKIPPED', processedStatus: 'FAILED' });
    await until(`${groupId}-m2`, 'DONE');
    // Neither route applies to a message that is not DEAD.
    for (const action of ['retry', 'skip']) {
      const answer = await foyer.http.post(`/v1/callbacks/${groupId}-m1/${action}`, undefined, { token: ADMIN_KEY });
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 409, code: 'CALLBACK_NOT_DEAD' });
    }
  });

  it('honours Retry-After, within bounds', async () => {
    const groupId = group('retry-after');
    let answers = 0;
    receiver.behaviour = (request) => {
      if (request.groupId !== groupId) return undefined;
      answers++;
      if (request.messageId.endsWith('-soon') && answers === 1) return { status: 503, headers: { 'retry-after': '2' } };
      if (request.messageId.endsWith('-far')) return { status: 429, headers: { 'retry-after': '99999999' } };
      return undefined;
    };
    await post({ callbackUrl: receiver.url(), groupId, body: {}, messageId: `${groupId}-soon` });
    const done = await until(`${groupId}-soon`, 'DONE');
    const [first, second] = await attempts(`${groupId}-soon`);
    expect(first.statusCode).toBe(503);
    expect(second.succeeded).toBe(true);
    // The backoff alone would have retried after 10..20 ms; the receiver asked for 2 s.
    expect(Date.parse(second.startedAt) - Date.parse(first.startedAt)).toBeGreaterThanOrEqual(1_900);
    expect(done.attempts).toBe(2);

    await post({ callbackUrl: receiver.url(), groupId, body: {}, messageId: `${groupId}-far` });
    const waiting = await eventually(
      async () => {
        const current = await status(`${groupId}-far`);
        return current.attempts === 1 && current.status === 'PENDING' ? current : undefined;
      },
      20_000,
      'the first refusal',
    );
    const wait = Date.parse(waiting.nextAttemptAt) - Date.now();
    // Capped at an hour, however long the receiver asks for.
    expect(wait).toBeGreaterThan(30 * 60_000);
    expect(wait).toBeLessThanOrEqual(60 * 60_000);
  });

  it('fails an attempt that gets no answer within the timeout, and retries it', async () => {
    const groupId = group('timeout');
    let slow = true;
    receiver.behaviour = (request) => {
      if (request.groupId !== groupId || !slow) return undefined;
      slow = false;
      return { delayMs: TIMEOUT_MS * 4 };
    };
    await post({ callbackUrl: receiver.url(), groupId, body: {}, messageId: `${groupId}-m1` });
    const done = await until(`${groupId}-m1`, 'DONE');
    expect(done.attempts).toBe(2);
    const [first] = await attempts(`${groupId}-m1`);
    expect(first).toMatchObject({ succeeded: false, statusCode: null });
    expect(first.error).toContain(`no answer within ${TIMEOUT_MS} ms`);
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const groupId = group('redirect');
    receiver.behaviour = (request) => (request.groupId === groupId ? { status: 302, headers: { location: receiver.url('/elsewhere') } } : undefined);
    await post({ callbackUrl: receiver.url('/moved'), groupId, body: {}, messageId: `${groupId}-m1` });
    const dead = await until(`${groupId}-m1`, 'DEAD');
    expect(dead).toMatchObject({ lastStatusCode: 302, attempts: MAX_ATTEMPTS });
    expect(dead.lastError).toContain('redirects are not followed');
    expect(receiver.forGroup(groupId).map((r) => r.path)).toEqual(Array(MAX_ATTEMPTS).fill('/moved'));
    expect(receiver.received.some((r) => r.path === '/elsewhere')).toBe(false);
  });

  it('fails an attempt whose connection is refused', async () => {
    const groupId = group('refused');
    const closed = await new CallbackReceiver().start();
    const url = closed.url();
    await closed.close();
    await post({ callbackUrl: url, groupId, body: {}, messageId: `${groupId}-m1` });
    const dead = await until(`${groupId}-m1`, 'DEAD');
    expect(dead.lastStatusCode).toBeNull();
    expect(dead.lastError).toContain('ECONNREFUSED');
  });

  it('delivers an ingested body byte for byte, grouped from the path', async () => {
    const route = await foyer.http.post('/v1/admin/callback-routes', { callbackUrl: receiver.url('/ingested'), groupFrom: 'path' }, { token: ADMIN_KEY });
    expect(route.status).toBe(201);
    const groupId = group('ingest');
    const raw = '{ "b" : 1,\n  "a": 12345678901234567890, "s": "x\\u0041" }';
    // The ingestUrl is on FOYER_PUBLIC_URL; the test server listens elsewhere.
    const path = new URL(route.body.ingestUrl).pathname;
    const posted = await fetch(`${foyer.url}${path}/${groupId}`, { method: 'POST', body: raw, headers: { 'content-type': 'text/plain' } });
    expect(posted.status).toBe(202);
    const { messageId } = (await posted.json()) as { messageId: string };
    await until(messageId, 'DONE');
    const [request] = receiver.forGroup(groupId);
    expect(request.body).toBe(raw);
    expect(request.path).toBe('/ingested');
    expect(request.headers['content-type']).toBe('application/json');
  });

  it('sends lifecycle notifications of an event with a callbackUrl, in order per user', async () => {
    const eventId = `cb-${randomBytes(4).toString('hex')}`;
    const created = await foyer.http.post(
      '/v1/admin/events',
      { eventId, name: 'Callbacks', limitCnt: 1, minPollIntervalMs: 0, callbackUrl: receiver.url('/lifecycle') },
      { token: ADMIN_KEY },
    );
    expect(created.status).toBe(201);
    const alice = await foyer.http.post('/v1/queue/enter', { eventId, id: 'alice' });
    expect(alice.body.status).toBe('ENTER');
    const bob = await foyer.http.post('/v1/queue/enter', { eventId, id: 'bob' });
    expect(bob.body.status).toBe('WAIT');
    const exit = await foyer.http.post('/v1/active/exit', { successToken: alice.body.successToken });
    expect(exit.status).toBeLessThan(300);
    const aliceGroup = `${eventId}:alice`;
    const bobGroup = `${eventId}:bob`;
    await eventually(() => receiver.forGroup(aliceGroup).length >= 2 && receiver.forGroup(bobGroup).length >= 1, 20_000, 'notifications');
    const aliceTypes = receiver.forGroup(aliceGroup).map((r) => JSON.parse(r.body).type);
    expect(aliceTypes).toEqual(['user.admitted', 'user.exited']);
    const [bobAdmitted] = receiver.forGroup(bobGroup);
    const body = JSON.parse(bobAdmitted.body);
    expect(body).toMatchObject({ type: 'user.admitted', eventId, id: 'bob' });
    expect(Date.parse(body.at)).not.toBeNaN();
    // Times are ISO strings, as everywhere in API.md.
    expect(body.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(bobAdmitted.messageId).toMatch(/^journal:\d+$/);
    expect(bobAdmitted.path).toBe('/lifecycle');
    // user.entered is journaled but not notified.
    expect(receiver.received.filter((r) => r.groupId.startsWith(eventId)).map((r) => JSON.parse(r.body).type)).not.toContain('user.entered');
  });

  it('exports delivery metrics', async () => {
    const metrics = await foyer.http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/foyer_callback_deliveries_total\{outcome="succeeded"\} [1-9]/);
    expect(metrics.text).toMatch(/foyer_callback_deliveries_total\{outcome="dead"\} [1-9]/);
    expect(metrics.text).toMatch(/foyer_callback_attempt_duration_seconds_count\{outcome="http_error"\} [1-9]/);
    expect(metrics.text).toMatch(/foyer_callback_attempt_duration_seconds_bucket\{le="[^"]+",outcome="succeeded"\}/);
    expect(metrics.text).toMatch(/^foyer_callback_dead [1-9]/m);
    expect(metrics.text).toMatch(/^foyer_callback_backlog \d+/m);
    expect(metrics.text).toMatch(/^foyer_callback_oldest_pending_age_seconds [\d.e+-]+/m);
  });
});

describe('ordered callbacks: delivery (embedded store and PGlite)', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let receiver: CallbackReceiver;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    receiver = await new CallbackReceiver().start();
    backing = await createBacking('embedded', { CALLBACK_ALLOW_PRIVATE: 'true', CALLBACK_RETRY_BASE_MS: '20', CALLBACK_MAX_ATTEMPTS: '2' });
    foyer = await startFoyer(backing);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
    await receiver?.close();
  });

  it('delivers a group in order through retries, dead-letters, and retries on request', async () => {
    const groupId = `embedded-${randomBytes(4).toString('hex')}`;
    let failFirst = 1;
    let retried = false;
    receiver.behaviour = (request) => {
      if (request.messageId === `${groupId}-1` && failFirst-- > 0) return { status: 500 };
      if (request.messageId === `${groupId}-2` && request.attempt <= 2 && !retried) return { status: 500 };
      return undefined;
    };
    const post = (n: number, onDead = 'CONTINUE') =>
      foyer.http.post('/v1/callbacks', { callbackUrl: receiver.url(), groupId, messageId: `${groupId}-${n}`, body: { n }, onDead }, { token: ADMIN_KEY });
    expect((await post(1)).status).toBe(202);
    expect((await post(2, 'HALT')).status).toBe(202);
    expect((await post(3)).status).toBe(202);
    expect((await post(3)).status).toBe(200);
    const state = async (n: number) => (await foyer.http.get(`/v1/callbacks/${groupId}-${n}`, { token: ADMIN_KEY })).body.status;
    await eventually(async () => (await state(2)) === 'DEAD', 20_000, 'the HALT message to die');
    expect(await state(3)).toBe('PENDING');
    retried = true;
    expect((await foyer.http.post(`/v1/callbacks/${groupId}-2/retry`, undefined, { token: ADMIN_KEY })).status).toBe(202);
    await eventually(async () => (await state(3)) === 'DONE', 20_000, 'the group to finish');
    expect(receiver.forGroup(groupId).map((r) => `${JSON.parse(r.body).n}#${r.attempt}`)).toEqual(['1#1', '1#2', '2#1', '2#2', '2#1', '3#1']);
  });
});
