/**
 * The ordered-callbacks routes over real HTTP, without a dispatcher (messages stay PENDING, so
 * what the routes answer is all there is): posting, idempotency under concurrency, validation,
 * status and listing, retry/skip refusals, the forbidden-target (SSRF) rules, ingest routes, and
 * the OpenAPI document. Runs on Redis + PostgreSQL.
 */
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { ADMIN_KEY, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';

jest.setTimeout(60_000);

const RECEIVER = 'http://127.0.0.1:9/hook';

describe('ordered callbacks: routes (api role only)', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let strict: RunningFoyer;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
    foyer = await startFoyer(backing, { FOYER_ROLES: 'api', CALLBACK_ALLOW_PRIVATE: 'true' });
    // The same database, with the default: private and loopback targets refused.
    strict = await startFoyer(backing, { FOYER_ROLES: 'api' });
  }, 120_000);

  afterAll(async () => {
    await strict?.close();
    await foyer?.close();
    await backing?.dispose();
  });

  const unique = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;
  const post = (body: unknown, app = foyer) => app.http.post('/v1/callbacks', body, { token: ADMIN_KEY });
  const get = (path: string) => foyer.http.get(path, { token: ADMIN_KEY });
  const codeOf = (answer: { status: number; body: any }) => ({ status: answer.status, code: answer.body?.code });

  /** A raw POST to an ingest path: no headers at all unless given. */
  function rawPost(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const url = new URL(foyer.url + path);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  describe('POST /v1/callbacks', () => {
    it('needs the admin key', async () => {
      const answer = await foyer.http.post('/v1/callbacks', { callbackUrl: RECEIVER, groupId: 'g', body: {} });
      expect(codeOf(answer)).toEqual({ status: 401, code: 'UNAUTHORIZED' });
      expect(codeOf(await foyer.http.get('/v1/callbacks'))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
      expect(codeOf(await foyer.http.get('/v1/admin/callback-routes'))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    });

    it('accepts a message (202) and makes a messageId when none is given', async () => {
      const groupId = unique('device');
      const answer = await post({ callbackUrl: RECEIVER, groupId, body: { any: 'json' } });
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ messageId: expect.any(String), groupId, status: 'PENDING', duplicate: false });
      const again = await post({ callbackUrl: RECEIVER, groupId, body: { any: 'json' } });
      expect(again.status).toBe(202);
      expect(again.body.messageId).not.toBe(answer.body.messageId);
    });

    it('answers a repeat with the same content as a duplicate (200), key order and onDead default aside', async () => {
      const messageId = unique('m');
      const groupId = unique('g');
      const first = await post({ callbackUrl: RECEIVER, groupId, messageId, body: { a: 1, b: { c: [1, 2], d: 'x' } } });
      expect(first.status).toBe(202);
      const repeat = await post({ messageId, onDead: 'CONTINUE', groupId, body: { b: { d: 'x', c: [1, 2] }, a: 1 }, callbackUrl: RECEIVER });
      expect(repeat.status).toBe(200);
      expect(repeat.body).toEqual({ messageId, groupId, status: 'PENDING', duplicate: true });
      const listed = await get(`/v1/callbacks?groupId=${groupId}`);
      expect(listed.body.items).toHaveLength(1);
    });

    it.each([
      ['another body', { body: { a: 2 } }],
      ['a body with another array order', { body: { a: [2, 1] } }],
      ['another callbackUrl', { callbackUrl: 'http://127.0.0.1:9/other' }],
      ['another groupId', { groupId: 'elsewhere' }],
      ['another onDead', { onDead: 'HALT' }],
    ])('answers the same messageId with %s 409 MESSAGE_ID_CONFLICT', async (_what, change) => {
      const base = { callbackUrl: RECEIVER, groupId: unique('g'), messageId: unique('m'), body: { a: [1, 2] } };
      expect((await post(base)).status).toBe(202);
      const conflict = await post({ ...base, ...change });
      expect(codeOf(conflict)).toEqual({ status: 409, code: 'MESSAGE_ID_CONFLICT' });
      expect((await get(`/v1/callbacks/${base.messageId}`)).body).toMatchObject({ groupId: base.groupId, callbackUrl: base.callbackUrl, onDead: 'CONTINUE' });
    });

    it('stores one message for 50 concurrent posts of one messageId', async () => {
      const messageId = unique('race');
      const groupId = unique('g');
      const answers = await Promise.all(Array.from({ length: 50 }, () => post({ callbackUrl: RECEIVER, groupId, messageId, body: { n: 1 } })));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 202)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(49);
      expect(answers.every((a) => a.body.messageId === messageId)).toBe(true);
      const listed = await get(`/v1/callbacks?groupId=${groupId}`);
      expect(listed.body.items.map((m: { messageId: string }) => m.messageId)).toEqual([messageId]);
    });

    it('lets one content win when 20 concurrent posts of one messageId differ', async () => {
      const messageId = unique('race');
      const groupId = unique('g');
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post({ callbackUrl: RECEIVER, groupId, messageId, body: { n: i % 2 } })));
      expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
      const winner = answers.findIndex((a) => a.status === 202) % 2;
      answers.forEach((answer, i) => {
        if (answer.status === 202) return;
        expect(answer.status).toBe(i % 2 === winner ? 200 : 409);
      });
    });

    it.each([
      ['no body', { callbackUrl: RECEIVER, groupId: 'g' }, 'body'],
      ['no groupId', { callbackUrl: RECEIVER, body: {} }, 'groupId'],
      ['an empty groupId', { callbackUrl: RECEIVER, groupId: '', body: {} }, 'groupId'],
      ['a control character in groupId', { callbackUrl: RECEIVER, groupId: 'a\u0001b', body: {} }, 'groupId'],
      ['a non-http URL', { callbackUrl: 'ftp://127.0.0.1/x', groupId: 'g', body: {} }, 'callbackUrl'],
      ['no URL at all', { callbackUrl: 'not a url', groupId: 'g', body: {} }, 'callbackUrl'],
      ['a bad onDead', { callbackUrl: RECEIVER, groupId: 'g', body: {}, onDead: 'STOP' }, 'onDead'],
      ['a messageId with a space', { callbackUrl: RECEIVER, groupId: 'g', body: {}, messageId: 'a b' }, 'messageId'],
      ['a reserved messageId', { callbackUrl: RECEIVER, groupId: 'g', body: {}, messageId: 'journal:1' }, 'messageId'],
      ['an unknown field', { callbackUrl: RECEIVER, groupId: 'g', body: {}, priority: 1 }, 'priority'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_what, body, field) => {
      const answer = await post(body);
      expect(codeOf(answer)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(answer.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('takes JSON only', async () => {
      const text = await foyer.http.request('POST', '/v1/callbacks', {
        raw: JSON.stringify({ callbackUrl: RECEIVER, groupId: 'g', body: {} }),
        headers: { 'content-type': 'text/plain' },
        token: ADMIN_KEY,
      });
      expect(codeOf(text)).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      const disguised = await foyer.http.request('POST', '/v1/callbacks', {
        raw: JSON.stringify({ callbackUrl: RECEIVER, groupId: 'g', body: {} }),
        headers: { 'content-type': 'application/x-foyer-ingest' },
        token: ADMIN_KEY,
      });
      expect(codeOf(disguised)).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      const broken = await foyer.http.request('POST', '/v1/callbacks', {
        raw: '{"callbackUrl":',
        headers: { 'content-type': 'application/json' },
        token: ADMIN_KEY,
      });
      expect(codeOf(broken)).toEqual({ status: 400, code: 'INVALID_JSON' });
    });
  });

  describe('status, list, retry and skip', () => {
    it('shows a message', async () => {
      const messageId = unique('m');
      const groupId = unique('g');
      await post({ callbackUrl: RECEIVER, groupId, messageId, body: {}, onDead: 'HALT' });
      const answer = await get(`/v1/callbacks/${messageId}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        messageId,
        groupId,
        callbackUrl: RECEIVER,
        status: 'PENDING',
        onDead: 'HALT',
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        webhookId: expect.stringMatching(/^msg_/),
        nextAttemptAt: expect.any(String),
        createdAt: expect.any(String),
        processedAt: null,
        processedStatus: null,
      });
      expect((await get(`/v1/callbacks/${messageId}/attempts`)).body).toEqual({ items: [] });
    });

    it('answers 404 CALLBACK_NOT_FOUND for an unknown messageId', async () => {
      expect(codeOf(await get('/v1/callbacks/nope-nope'))).toEqual({ status: 404, code: 'CALLBACK_NOT_FOUND' });
      for (const action of ['retry', 'skip']) {
        const answer = await foyer.http.post(`/v1/callbacks/nope-nope/${action}`, undefined, { token: ADMIN_KEY });
        expect(codeOf(answer)).toEqual({ status: 404, code: 'CALLBACK_NOT_FOUND' });
      }
    });

    it('refuses retry and skip of a message that is not DEAD with 409 CALLBACK_NOT_DEAD', async () => {
      const messageId = unique('m');
      await post({ callbackUrl: RECEIVER, groupId: unique('g'), messageId, body: {} });
      for (const action of ['retry', 'skip']) {
        const answer = await foyer.http.post(`/v1/callbacks/${messageId}/${action}`, undefined, { token: ADMIN_KEY });
        expect(codeOf(answer)).toEqual({ status: 409, code: 'CALLBACK_NOT_DEAD' });
      }
    });

    it('lists by group and status in acceptance order, paged with a cursor', async () => {
      const groupId = unique('paged');
      const ids = Array.from({ length: 7 }, (_, i) => `${groupId}-${i}`);
      for (const messageId of ids) await post({ callbackUrl: RECEIVER, groupId, messageId, body: {} });
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const answer: { status: number; body: any } = await get(`/v1/callbacks?groupId=${groupId}&status=PENDING&limit=3${after ? `&after=${after}` : ''}`);
        expect(answer.status).toBe(200);
        seen.push(...answer.body.items.map((m: { messageId: string }) => m.messageId));
        after = answer.body.nextAfter;
        pages++;
      } while (after !== null && pages < 10);
      expect(seen).toEqual(ids);
      expect(pages).toBe(3);
      // A last page that is exactly full says so: nextAfter null, no empty page to ask for.
      const full = await get(`/v1/callbacks?groupId=${groupId}&status=PENDING&limit=7`);
      expect(full.body.items).toHaveLength(7);
      expect(full.body.nextAfter).toBeNull();
      expect((await get(`/v1/callbacks?groupId=${groupId}&status=DONE`)).body).toEqual({ items: [], nextAfter: null });
      for (const query of ['status=LOST', 'limit=0', 'limit=1001', 'after=abc']) {
        expect(codeOf(await get(`/v1/callbacks?${query}`))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      }
    });
  });

  describe('forbidden targets (CALLBACK_ALLOW_PRIVATE unset)', () => {
    it.each([
      'http://127.0.0.1/hook',
      'http://127.8.9.10:8080/hook',
      'http://localhost:3000/hook',
      'http://0.0.0.0/',
      'http://10.0.0.1/',
      'http://172.16.0.1/',
      'http://172.31.255.254/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[::]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[fc00::1]/',
      'http://[fd00:ec2::254]/',
      'http://[fe80::1]/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0x7f.0.0.1/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'https://017700000001/',
    ])('refuses %s with 400 CALLBACK_URL_FORBIDDEN', async (callbackUrl) => {
      const answer = await post({ callbackUrl, groupId: 'g', body: {} }, strict);
      expect(codeOf(answer)).toEqual({ status: 400, code: 'CALLBACK_URL_FORBIDDEN' });
    });

    it('refuses a forbidden target for an ingest route too, and accepts a public one', async () => {
      const refused = await strict.http.post('/v1/admin/callback-routes', { callbackUrl: 'http://192.168.0.10/x', groupFrom: 'path' }, { token: ADMIN_KEY });
      expect(codeOf(refused)).toEqual({ status: 400, code: 'CALLBACK_URL_FORBIDDEN' });
      const accepted = await post({ callbackUrl: 'http://93.184.215.14/hook', groupId: unique('g'), body: {} }, strict);
      expect(accepted.status).toBe(202);
    });
  });

  describe('ingest routes', () => {
    const createRoute = (body: Record<string, unknown>) => foyer.http.post('/v1/admin/callback-routes', body, { token: ADMIN_KEY });
    const ingestPath = (ingestUrl: string) => new URL(ingestUrl).pathname;

    it('creates, reads, lists and deletes a route', async () => {
      const created = await createRoute({ callbackUrl: RECEIVER, groupFrom: '/call/id', onDead: 'HALT' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ routeId: expect.stringMatching(/^rt_/), ingestUrl: expect.stringMatching(/\/v1\/ingest\/[A-Za-z0-9_-]{40,}$/) });
      const { routeId } = created.body;
      const read = await get(`/v1/admin/callback-routes/${routeId}`);
      expect(read.body).toEqual({ routeId, callbackUrl: RECEIVER, groupFrom: '/call/id', onDead: 'HALT', createdAt: expect.any(String) });
      expect((await get('/v1/admin/callback-routes')).body.items.map((r: { routeId: string }) => r.routeId)).toContain(routeId);
      expect((await foyer.http.delete(`/v1/admin/callback-routes/${routeId}`, { token: ADMIN_KEY })).status).toBe(204);
      expect(codeOf(await get(`/v1/admin/callback-routes/${routeId}`))).toEqual({ status: 404, code: 'ROUTE_NOT_FOUND' });
      expect(codeOf(await foyer.http.delete(`/v1/admin/callback-routes/${routeId}`, { token: ADMIN_KEY }))).toEqual({ status: 404, code: 'ROUTE_NOT_FOUND' });
      // Its ingest URL is gone with it.
      expect(codeOf(await rawPost(ingestPath(created.body.ingestUrl), '{"call":{"id":"c"}}'))).toEqual({ status: 404, code: 'ROUTE_NOT_FOUND' });
    });

    it.each([
      ['no groupFrom', { callbackUrl: RECEIVER }],
      ['a groupFrom that is neither "path" nor a pointer', { callbackUrl: RECEIVER, groupFrom: 'call.id' }],
      ['a bad URL', { callbackUrl: 'mailto:x@y', groupFrom: 'path' }],
    ])('refuses a route with %s', async (_what, body) => {
      expect(codeOf(await createRoute(body))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    });

    it('accepts raw JSON with no headers at all, grouping by a JSON pointer', async () => {
      const { body: route } = await createRoute({ callbackUrl: RECEIVER, groupFrom: '/call/id' });
      const callId = unique('call');
      const answer = await rawPost(ingestPath(route.ingestUrl), JSON.stringify({ call: { id: callId }, event: 'ringing' }));
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ groupId: callId, status: 'PENDING', duplicate: false });
      const numeric = await rawPost(ingestPath(route.ingestUrl), '{"call":{"id":42}}', { 'content-type': 'text/plain; charset=utf-8' });
      expect(numeric.body.groupId).toBe('42');
      const stored = await get(`/v1/callbacks/${encodeURIComponent(answer.body.messageId)}`);
      expect(stored.body).toMatchObject({ callbackUrl: RECEIVER, groupId: callId });
    });

    it('groups by the path segment, and needs one', async () => {
      const { body: route } = await createRoute({ callbackUrl: RECEIVER, groupFrom: 'path' });
      const path = ingestPath(route.ingestUrl);
      const answer = await rawPost(`${path}/device-7`, '[1,2,3]', { 'content-type': 'application/json' });
      expect(answer.status).toBe(202);
      expect(answer.body.groupId).toBe('device-7');
      const encoded = await rawPost(`${path}/${encodeURIComponent('공연:철수')}`, '{}', { 'content-type': 'application/octet-stream' });
      expect(encoded.body.groupId).toBe('공연:철수');
      expect(codeOf(await rawPost(path, '{}'))).toEqual({ status: 400, code: 'GROUP_REQUIRED' });
      // An empty last segment is a missing group too, not an unknown route.
      expect(codeOf(await rawPost(`${path}/`, '{}'))).toEqual({ status: 400, code: 'GROUP_REQUIRED' });
    });

    it('answers GROUP_REQUIRED when the pointer finds no string or number', async () => {
      const { body: route } = await createRoute({ callbackUrl: RECEIVER, groupFrom: '/device' });
      const path = ingestPath(route.ingestUrl);
      for (const body of ['{}', '{"device":null}', '{"device":{"id":1}}', '{"device":true}', '"device"']) {
        expect(codeOf(await rawPost(path, body))).toEqual({ status: 400, code: 'GROUP_REQUIRED' });
      }
    });

    it('answers INVALID_JSON for a body that is not JSON, whatever its content type', async () => {
      const { body: route } = await createRoute({ callbackUrl: RECEIVER, groupFrom: 'path' });
      const path = `${ingestPath(route.ingestUrl)}/g`;
      expect(codeOf(await rawPost(path, 'hello'))).toEqual({ status: 400, code: 'INVALID_JSON' });
      expect(codeOf(await rawPost(path, '{"a":', { 'content-type': 'application/json' }))).toEqual({ status: 400, code: 'INVALID_JSON' });
      expect(codeOf(await rawPost(path, ''))).toEqual({ status: 400, code: 'INVALID_JSON' });
    });

    it('deduplicates by idempotency-key or webhook-id, scoped to the route', async () => {
      const { body: one } = await createRoute({ callbackUrl: RECEIVER, groupFrom: 'path' });
      const { body: two } = await createRoute({ callbackUrl: RECEIVER, groupFrom: 'path' });
      const key = unique('key');
      const first = await rawPost(`${ingestPath(one.ingestUrl)}/g1`, '{"a":1,"b":2}', { 'idempotency-key': key });
      expect(first.status).toBe(202);
      expect(first.body.messageId).toBe(`${one.routeId}:${key}`);
      const repeat = await rawPost(`${ingestPath(one.ingestUrl)}/g1`, '{ "b": 2, "a": 1 }', { 'idempotency-key': key });
      expect(repeat.status).toBe(200);
      expect(repeat.body).toMatchObject({ messageId: `${one.routeId}:${key}`, duplicate: true });
      const changed = await rawPost(`${ingestPath(one.ingestUrl)}/g1`, '{"a":2}', { 'idempotency-key': key });
      expect(codeOf(changed)).toEqual({ status: 409, code: 'MESSAGE_ID_CONFLICT' });
      const otherRoute = await rawPost(`${ingestPath(two.ingestUrl)}/g1`, '{"a":1,"b":2}', { 'idempotency-key': key });
      expect(otherRoute.status).toBe(202);
      expect(otherRoute.body.messageId).toBe(`${two.routeId}:${key}`);
      const viaWebhookId = await rawPost(`${ingestPath(one.ingestUrl)}/g2`, '{}', { 'webhook-id': 'msg_abc' });
      expect(viaWebhookId.body.messageId).toBe(`${one.routeId}:msg_abc`);
      expect((await rawPost(`${ingestPath(one.ingestUrl)}/g2`, '{}', { 'webhook-id': 'msg_abc' })).status).toBe(200);
      // Such ids are read back by their URL-encoded form (and ':' needs no encoding).
      expect((await get(`/v1/callbacks/${one.routeId}:${key}`)).body).toMatchObject({ messageId: `${one.routeId}:${key}`, groupId: 'g1' });
      const slashed = await rawPost(`${ingestPath(one.ingestUrl)}/g3`, '{}', { 'idempotency-key': 'a/b c' });
      expect(slashed.body.messageId).toBe(`${one.routeId}:a/b c`);
      expect((await get(`/v1/callbacks/${encodeURIComponent(slashed.body.messageId)}`)).body.groupId).toBe('g3');
    });

    it('answers 404 ROUTE_NOT_FOUND for an unknown token', async () => {
      expect(codeOf(await rawPost('/v1/ingest/not-a-token', '{}'))).toEqual({ status: 404, code: 'ROUTE_NOT_FOUND' });
      expect(codeOf(await rawPost('/v1/ingest/not-a-token/g', '{}'))).toEqual({ status: 404, code: 'ROUTE_NOT_FOUND' });
    });
  });

  it('lists every callback route in the OpenAPI document', async () => {
    const doc = await foyer.http.get('/docs-json');
    const paths = Object.keys(doc.body.paths);
    for (const path of [
      '/v1/callbacks',
      '/v1/callbacks/{messageId}',
      '/v1/callbacks/{messageId}/attempts',
      '/v1/callbacks/{messageId}/retry',
      '/v1/callbacks/{messageId}/skip',
      '/v1/admin/callback-routes',
      '/v1/admin/callback-routes/{routeId}',
      '/v1/ingest/{token}',
      '/v1/ingest/{token}/{groupId}',
    ]) {
      expect(paths).toContain(path);
    }
    expect(doc.body.components.schemas.PostCallbackDto.required).toEqual(expect.arrayContaining(['callbackUrl', 'groupId', 'body']));
    expect(Object.keys(doc.body.paths['/v1/callbacks'].post.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '401', '409']));
  });
});
