import { FakeFoyer, FOYER_URL, ISSUER, newSigningKey, signToken, type SigningKey } from '../fake-foyer.spec-support.js';
import { FoyerBackend } from '../foyer-backend.js';
import { FoyerGate, type FoyerGateOptions, type GateDecision, type GateRequest } from './foyer-gate.js';

const NOW_SEC = Math.floor(Date.now() / 1000);
const PAGE = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const API = { accept: 'application/json' };

function get(url: string, headers: Record<string, string> = PAGE, secure = true): GateRequest {
  return { method: 'GET', url, headers, secure };
}

function answered(decision: GateDecision) {
  if (decision.action !== 'answer') throw new Error(`expected an answer, got ${decision.action}`);
  return decision;
}

describe('FoyerGate', () => {
  let key: SigningKey;
  let foyer: FakeFoyer;
  let token: string;

  beforeAll(async () => {
    key = await newSigningKey();
  });

  beforeEach(async () => {
    foyer = new FakeFoyer();
    foyer.published = [key.jwk];
    token = await signToken(key, { iatSec: NOW_SEC, expSec: NOW_SEC + 600 });
  });

  function gate(options: Partial<FoyerGateOptions> = {}, backendOptions: { onlineCacheMs?: number } = {}): FoyerGate {
    const backend = new FoyerBackend({ foyerUrl: FOYER_URL, issuer: ISSUER, fetch: foyer.fetch, onlineCacheMs: 0, ...backendOptions });
    return new FoyerGate(backend, { eventId: 'concert', now: () => NOW_SEC * 1000, onRefusal: () => undefined, ...options });
  }

  describe('wr_token', () => {
    it('is exchanged for an HttpOnly cookie and a 303 to the same URL without it', async () => {
      const decision = answered(await gate().check(get(`/checkout?step=2&wr_token=${token}&x=%20`)));
      expect(decision).toMatchObject({ statusCode: 303, outcome: 'ADMITTED', body: '' });
      expect(decision.headers).toEqual({
        location: '/checkout?step=2&x=%20',
        'set-cookie': [`foyer_concert=${token}; Max-Age=600; Path=/; HttpOnly; SameSite=Lax; Secure`],
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
    });

    it('makes the cookie Secure only over https, unless told otherwise', async () => {
      const plain = answered(await gate().check(get(`/c?wr_token=${token}`, PAGE, false)));
      expect(plain.headers['set-cookie'][0]).not.toContain('Secure');
      const forced = answered(await gate({ secureCookie: true, cookieName: 'wr', cookiePath: '/shop' }).check(get(`/c?wr_token=${token}`, PAGE, false)));
      expect(forced.headers['set-cookie'][0]).toBe(`wr=${token}; Max-Age=600; Path=/shop; HttpOnly; SameSite=Lax; Secure`);
    });

    it('is refused when invalid: a page goes to the waiting room, no session cookie set, the refusal noted for the loop guard', async () => {
      const other = await signToken(key, { evt: 'other-event' });
      const decision = answered(await gate().check(get(`/checkout?wr_token=${other}`)));
      expect(decision).toMatchObject({ statusCode: 303, outcome: 'INVALID', headers: { location: `${FOYER_URL}/wr/concert` } });
      expect(decision.headers['set-cookie']).toEqual(['foyer_concert_refused=INVALID; Max-Age=60; Path=/; HttpOnly; SameSite=Lax; Secure']);
    });

    it('is not sent round again when it comes back refused the same way: a 403 page says why', async () => {
      const other = await signToken(key, { evt: 'other-event' });
      const decision = answered(await gate().check(get(`/checkout?wr_token=${other}`, { ...PAGE, cookie: 'foyer_concert_refused=INVALID' })));
      expect(decision).toMatchObject({ statusCode: 403, outcome: 'INVALID', headers: { 'content-type': 'text/html; charset=utf-8' } });
      expect(decision.headers['set-cookie']).toEqual(['foyer_concert_refused=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure']);
      expect(decision.body).toContain('Admission refused');
    });

    it('is not exchanged on a POST (a redirect would drop the body): the cookie decides', async () => {
      const decision = answered(await gate().check({ method: 'POST', url: `/pay?wr_token=${token}`, headers: API, secure: true }));
      expect(decision).toMatchObject({ statusCode: 403, outcome: 'MISSING' });
    });
  });

  describe('session cookie', () => {
    it('lets a valid one through, with the admission', async () => {
      const decision = await gate().check(get('/checkout', { ...PAGE, cookie: `a=1; foyer_concert=${token}` }));
      expect(decision).toEqual({ action: 'pass', admission: expect.objectContaining({ eventId: 'concert', id: 'user-1', token }) });
      expect(foyer.count('/v1/active/verify')).toBe(1);
    });

    it('sends a page without one to the waiting room, and answers JSON 403 to anything else', async () => {
      expect(answered(await gate().check(get('/checkout')))).toMatchObject({
        statusCode: 303,
        outcome: 'MISSING',
        headers: { location: `${FOYER_URL}/wr/concert`, 'cache-control': 'no-store' },
      });
      const api = answered(await gate({ waitingRoomUrl: 'https://wait.example/concert' }).check(get('/api/cart', API)));
      expect(api).toMatchObject({ statusCode: 403, headers: { 'content-type': 'application/json; charset=utf-8' } });
      expect(JSON.parse(api.body)).toEqual({
        statusCode: 403,
        code: 'ADMISSION_REQUIRED',
        reason: 'MISSING',
        message: expect.any(String),
        waitingRoomUrl: 'https://wait.example/concert',
      });
      const post = answered(await gate().check({ method: 'POST', url: '/checkout', headers: PAGE, secure: true }));
      expect(post.statusCode).toBe(403);
    });

    it('refuses an exited session (online) and clears the cookie', async () => {
      foyer.exited.add(token);
      const decision = answered(await gate().check(get('/api/cart', { ...API, cookie: `foyer_concert=${token}` })));
      expect(decision).toMatchObject({ statusCode: 403, outcome: 'EXITED' });
      expect(decision.headers['set-cookie']).toEqual(['foyer_concert=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure']);
      expect(JSON.parse(decision.body)).toMatchObject({ code: 'ADMISSION_REQUIRED', reason: 'EXITED' });
    });

    it('refuses an expired session offline, without asking Foyer', async () => {
      const expired = await signToken(key, { iatSec: NOW_SEC - 700, expSec: NOW_SEC - 100 });
      expect(answered(await gate().check(get('/api/cart', { ...API, cookie: `foyer_concert=${expired}` })))).toMatchObject({
        statusCode: 403,
        outcome: 'EXPIRED',
      });
      expect(foyer.count('/v1/active/verify')).toBe(0);
    });

    it('with checkOnline false, never asks Foyer (and so does not see exits)', async () => {
      foyer.exited.add(token);
      expect(await gate({ checkOnline: false }).check(get('/c', { cookie: `foyer_concert=${token}` }))).toMatchObject({ action: 'pass' });
      expect(foyer.count('/v1/active/verify')).toBe(0);
    });
  });

  describe('when Foyer cannot be reached', () => {
    it('accept-signed (default): a token that checks out offline passes, and the outage is reported', async () => {
      const reported: string[] = [];
      const guard = gate({ onFoyerUnreachable: (error) => reported.push(error.code) });
      await guard.check(get('/c', { cookie: `foyer_concert=${token}` }));
      foyer.reachable = false;
      expect(await guard.check(get('/c', { cookie: `foyer_concert=${token}` }))).toMatchObject({ action: 'pass' });
      expect(answered(await guard.check(get(`/c?wr_token=${token}`)))).toMatchObject({ statusCode: 303, outcome: 'ADMITTED' });
      expect(reported).toEqual(['NETWORK_ERROR', 'NETWORK_ERROR']);
      const forged = await signToken(key, { evt: 'other' });
      expect(answered(await guard.check(get('/c', { ...API, cookie: `foyer_concert=${forged}` })))).toMatchObject({ statusCode: 403 });
    });

    it('refuse: fails closed with 503 FOYER_UNAVAILABLE', async () => {
      const guard = gate({ whenFoyerUnreachable: 'refuse' });
      await guard.check(get('/c', { cookie: `foyer_concert=${token}` }));
      foyer.reachable = false;
      const decision = answered(await guard.check(get('/c', { ...PAGE, cookie: `foyer_concert=${token}` })));
      expect(decision).toMatchObject({ statusCode: 503, outcome: 'FOYER_UNAVAILABLE', headers: { 'retry-after': '5' } });
      expect(JSON.parse(decision.body)).toMatchObject({ statusCode: 503, code: 'FOYER_UNAVAILABLE' });
    });

    it('answers 503 under either policy when no keys were ever fetched', async () => {
      foyer.reachable = false;
      for (const whenFoyerUnreachable of ['accept-signed', 'refuse'] as const) {
        expect(answered(await gate({ whenFoyerUnreachable }).check(get('/c', { cookie: `foyer_concert=${token}` })))).toMatchObject({ statusCode: 503 });
      }
    });
  });

  describe('a key newer than the cached JWKS', () => {
    it("lets Foyer's online answer decide, even with checkOnline false", async () => {
      const guard = gate({ checkOnline: false });
      const backendKeysFetched = await guard.check(get('/c', { cookie: `foyer_concert=${token}` }));
      expect(backendKeysFetched).toMatchObject({ action: 'pass' });
      const rotated = await newSigningKey();
      const newer = await signToken(rotated, { iatSec: NOW_SEC, jti: 'ep.2' });
      // The cooldown (30 s by default) holds back a refetch: Foyer vouches instead.
      const decision = await guard.check(get('/c', { cookie: `foyer_concert=${newer}` }));
      expect(decision).toMatchObject({
        action: 'pass',
        admission: { eventId: 'concert', id: 'user-1', sessionId: 'ep.2', issuedAt: new Date(NOW_SEC * 1000) },
      });
      foyer.verifyAnswer = () => ({ valid: false, reason: 'INVALID' });
      expect(answered(await guard.check(get('/c', { ...API, cookie: `foyer_concert=${newer}` })))).toMatchObject({ statusCode: 403, outcome: 'INVALID' });
      foyer.reachable = false;
      expect(answered(await guard.check(get('/c', { ...API, cookie: `foyer_concert=${newer}` })))).toMatchObject({ statusCode: 503 });
    });

    it('refuses it when Foyer vouches for another event', async () => {
      const guard = gate();
      await guard.check(get('/c', { cookie: `foyer_concert=${token}` }));
      const newer = await signToken(await newSigningKey());
      foyer.verifyAnswer = () => ({ valid: true, eventId: 'other', id: 'user-1', expiresAt: '2099-01-01T00:00:00.000Z' });
      expect(answered(await guard.check(get('/c', { ...API, cookie: `foyer_concert=${newer}` })))).toMatchObject({ statusCode: 403, outcome: 'INVALID' });
    });
  });
});
