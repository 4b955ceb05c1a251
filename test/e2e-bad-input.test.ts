/**
 * Bad input and slow clients over real HTTP (issue 13, section 4): strings the stores cannot hold,
 * over-deep ingest bodies, numbers out of range, percent-encoded admin paths, slow bodies, bytes
 * that are not HTTP, IPv4-translated callback addresses and idTokens that live for years. Each gets
 * a clear 4xx with the contract's body and changes nothing an admin can see.
 */
import { jest } from '@jest/globals';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, ADMIN_KEY, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { settledState } from './support/observable-state.js';
import { rawExchange } from './support/raw-http.js';
import { expectError, signIdToken, uniqueEventId } from './support/visitors.js';

jest.setTimeout(90_000);

const token = ADMIN_KEY;

describe('bad input and slow clients over HTTP (redis store)', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let eventId: string;
  let ingestToken: string;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis', { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
    foyer = await startFoyer(backing);
    eventId = uniqueEventId('bad');
    expect((await admin(foyer.http).createEvent({ eventId, name: 'Bad input', limitCnt: 1, idPolicy: 'SIGNED' })).status).toBe(201);
    const route = await foyer.http.post('/v1/admin/callback-routes', { callbackUrl: 'https://93.184.215.14/hook', groupFrom: '/group' }, { token });
    expect(route.status).toBe(201);
    ingestToken = String(route.body.ingestUrl).split('/').pop()!;
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  /** Runs `act` and checks that nothing an admin can see changed. */
  async function changesNothing(act: () => Promise<void>): Promise<void> {
    const before = await settledState(foyer.url);
    await act();
    expect(await settledState(foyer.url)).toEqual(before);
  }

  it('refuses NUL in an event name or message with 400 VALIDATION_FAILED naming the field', async () => {
    await changesNothing(async () => {
      const created = await admin(foyer.http).createEvent({ eventId: uniqueEventId('nul'), name: 'a\u0000b', limitCnt: 1 });
      expectError(created, 400, 'VALIDATION_FAILED');
      expect(created.body.details).toEqual([{ field: 'name', message: expect.stringContaining('NUL') }]);
      const patched = await admin(foyer.http).patchEvent(eventId, { message: 'hello\u0000' });
      expectError(patched, 400, 'VALIDATION_FAILED');
      expect(patched.body.details).toEqual([{ field: 'message', message: expect.stringContaining('NUL') }]);
      // A lone surrogate has no UTF-8 form: it would be stored as U+FFFD, not as sent.
      expectError(await admin(foyer.http).patchEvent(eventId, { name: 'x\ud800' }), 400, 'VALIDATION_FAILED');
    });
  });

  it('refuses a body that is no JSON object, or has a field named like a member of every object, with 400', async () => {
    await changesNothing(async () => {
      for (const raw of ['null', '[]', '[{"name":"x"}]', '"text"', '7']) {
        const answer = await foyer.http.request('PATCH', `/v1/admin/events/${eventId}`, { raw, token, headers: { 'content-type': 'application/json' } });
        expect({ raw, status: answer.status, code: answer.body.code }).toEqual({ raw, status: 400, code: 'VALIDATION_FAILED' });
      }
      for (const field of ['valueOf', 'toString', 'constructor', 'hasOwnProperty']) {
        const answer = await foyer.http.post('/v1/callbacks', { callbackUrl: 'https://93.184.215.14/hook', groupId: 'g', body: {}, [field]: 1 }, { token });
        expect({ field, status: answer.status, details: answer.body.details }).toEqual({
          field,
          status: 400,
          details: [{ field, message: `property ${field} should not exist` }],
        });
      }
    });
  });

  it('refuses NUL in every path id of the OpenAPI document with 400 VALIDATION_FAILED', async () => {
    const document = (await foyer.http.get('/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const withIds = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'post', 'patch', 'delete'].includes(method))
        .filter(() => path.includes('{'))
        .map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, '%00') })),
    );
    expect(withIds.length).toBeGreaterThanOrEqual(12);
    await changesNothing(async () => {
      for (const { method, path } of withIds) {
        const answer = await foyer.http.request(method, path, { token, ...(method === 'POST' || method === 'PATCH' ? { json: {} } : {}) });
        expect({ method, path, status: answer.status, code: answer.body?.code }).toEqual({ method, path, status: 400, code: 'VALIDATION_FAILED' });
      }
    });
  });

  it('bounds ingest bodies at the depth POST /v1/callbacks allows, however deep they nest', async () => {
    await changesNothing(async () => {
      for (const depth of [33, 2_000, 20_000]) {
        const body = `{"group":"g","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
        const answer = await foyer.http.request('POST', `/v1/ingest/${ingestToken}`, { raw: body, headers: { 'content-type': 'application/json' } });
        expect({ depth, status: answer.status, code: answer.body.code, message: answer.body.message }).toEqual({
          depth,
          status: 400,
          code: 'VALIDATION_FAILED',
          message: 'body: the body nests deeper than 32 levels',
        });
      }
    });
  });

  it('refuses journal offsets beyond the exact integers with 400, and reads up to them', async () => {
    await changesNothing(async () => {
      for (const after of ['9223372036854775807', '9007199254740992', '1e300']) {
        expectError(await admin(foyer.http).journal(`after=${after}`), 400, 'VALIDATION_FAILED');
      }
      const last = await admin(foyer.http).journal(`after=${Number.MAX_SAFE_INTEGER}`);
      expect({ status: last.status, items: last.body.items }).toEqual({ status: 200, items: [] });
    });
  });

  it('answers a percent-encoded admin path without the key 401 before reading its body', async () => {
    await changesNothing(async () => {
      for (const path of ['/v1/%61dmin/events', '/v1/%61%64%6d%69%6e/events', '/v1/%63allbacks', '/%761/admin/callback-routes']) {
        const answer = await foyer.http.request('POST', path, { raw: '{not json', headers: { 'content-type': 'application/json' } });
        expect({ path, status: answer.status, code: answer.body.code }).toEqual({ path, status: 401, code: 'UNAUTHORIZED' });
      }
    });
  });

  it('answers a body sent too slowly 408 REQUEST_TIMEOUT and closes the connection', async () => {
    await changesNothing(async () => {
      const body = JSON.stringify({ eventId, name: 'slow' });
      const request = `PATCH /v1/admin/events/${eventId} HTTP/1.1\r\nHost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
      // One byte of the body every 400 ms: the whole takes ~10 s, far beyond HTTP_REQUEST_TIMEOUT_MS (2 s).
      const answer = await rawExchange(foyer.url, request, { trickle: { after: request.length - body.length, everyMs: 400 }, waitMs: 30_000 });
      expect({ status: answer.status, closed: answer.closedByServer, body: JSON.parse(answer.body || 'null') }).toEqual({
        status: 408,
        closed: true,
        body: { statusCode: 408, code: 'REQUEST_TIMEOUT', message: 'the request did not arrive in time' },
      });
    });
  });

  it("answers what Node refuses before any route (no Host, bad chunking, a bad header, 431) with the contract's body", async () => {
    const cases = [
      { what: 'no Host', bytes: 'GET /health/live HTTP/1.1\r\n\r\n', status: 400, code: 'MALFORMED_REQUEST' },
      {
        what: 'bad chunking',
        bytes: `POST /v1/queue/enter HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
        status: 400,
        code: 'MALFORMED_REQUEST',
      },
      { what: 'a header name with a space', bytes: 'GET /health/live HTTP/1.1\r\nHost: x\r\nbad name: 1\r\n\r\n', status: 400, code: 'MALFORMED_REQUEST' },
      { what: 'not HTTP', bytes: 'HELLO\r\n\r\n', status: 400, code: 'MALFORMED_REQUEST' },
      {
        what: 'headers over the limit',
        bytes: `GET /health/live HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
        status: 431,
        code: 'HEADERS_TOO_LARGE',
      },
    ];
    await changesNothing(async () => {
      for (const { what, bytes, status, code } of cases) {
        const answer = await rawExchange(foyer.url, bytes);
        const body = answer.body ? (JSON.parse(answer.body) as Record<string, unknown>) : null;
        expect({ what, status: answer.status, type: answer.headers['content-type'], body }).toEqual({
          what,
          status,
          type: expect.stringMatching(/^application\/json/),
          body: { statusCode: status, code, message: expect.any(String) },
        });
      }
    });
  });

  it('forbids callback URLs at IPv4-translated addresses (::ffff:0:a.b.c.d) of private IPv4', async () => {
    await changesNothing(async () => {
      for (const host of ['[::ffff:0:7f00:1]', '[::ffff:0:a9fe:a9fe]', '[::ffff:0:a00:1]']) {
        const answer = await foyer.http.post('/v1/callbacks', { callbackUrl: `http://${host}/hook`, groupId: 'g', body: {} }, { token });
        expect({ host, status: answer.status, code: answer.body.code }).toEqual({ host, status: 400, code: 'CALLBACK_URL_FORBIDDEN' });
      }
    });
  });

  it('refuses an idToken whose exp lies more than ENTRY_TOKEN_MAX_TTL_SEC ahead, saying so', async () => {
    await changesNothing(async () => {
      const years = Math.floor(Date.now() / 1000) + 5 * 365 * 86_400;
      const answer = await foyer.http.post('/v1/queue/enter', { eventId, idToken: await signIdToken({ sub: 'dora', evt: eventId, exp: years }) });
      expectError(answer, 401, 'INVALID_ID_TOKEN');
      expect(answer.body.message).toContain('ENTRY_TOKEN_MAX_TTL_SEC');
    });
    // A day ahead (the default bound) is still fine.
    const dayAhead = Math.floor(Date.now() / 1000) + 86_000;
    const entered = await foyer.http.post('/v1/queue/enter', { eventId, idToken: await signIdToken({ sub: 'erin', evt: eventId, exp: dayAhead }) });
    expect(entered.status).toBe(200);
  });
});
