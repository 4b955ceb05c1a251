import { SignJWT } from 'jose';
import { FoyerError } from '../client/foyer-error.js';
import { FakeFoyer, FOYER_URL, ISSUER, newSigningKey, signToken, type SigningKey } from './fake-foyer.spec-support.js';
import { FoyerBackend, type FoyerBackendOptions } from './foyer-backend.js';

const NOW_SEC = Math.floor(Date.now() / 1000);

describe('FoyerBackend', () => {
  let keyA: SigningKey;
  let keyB: SigningKey;
  let foyer: FakeFoyer;

  beforeAll(async () => {
    keyA = await newSigningKey();
    keyB = await newSigningKey();
  });

  beforeEach(() => {
    foyer = new FakeFoyer();
    foyer.published = [keyA.jwk];
  });

  function backend(options: Partial<FoyerBackendOptions> = {}): FoyerBackend {
    return new FoyerBackend({ foyerUrl: `${FOYER_URL}/`, issuer: ISSUER, fetch: foyer.fetch, ...options });
  }

  describe('verifySuccessToken (offline)', () => {
    it('accepts a token of the event, signed with a published key, and says what it admits', async () => {
      const token = await signToken(keyA, { sub: 'user-7', iatSec: NOW_SEC, expSec: NOW_SEC + 600, jti: 'ep.9' });
      expect(await backend().verifySuccessToken(token, 'concert')).toEqual({
        valid: true,
        admission: {
          eventId: 'concert',
          id: 'user-7',
          issuedAt: new Date(NOW_SEC * 1000),
          expiresAt: new Date((NOW_SEC + 600) * 1000),
          sessionId: 'ep.9',
          token,
        },
      });
      expect(foyer.count('/.well-known/jwks.json')).toBe(1);
    });

    it('refuses a token of another event: evt is what the gate guards', async () => {
      expect(await backend().verifySuccessToken(await signToken(keyA, { evt: 'other' }), 'concert')).toEqual({ valid: false, reason: 'INVALID' });
    });

    it('refuses an expired token by the clock, and an expired one of another event as invalid', async () => {
      const token = await signToken(keyA, { iatSec: NOW_SEC, expSec: NOW_SEC + 60 });
      const at = (sec: number) => backend({ now: () => sec * 1000 });
      expect(await at(NOW_SEC + 59).verifySuccessToken(token, 'concert')).toMatchObject({ valid: true });
      expect(await at(NOW_SEC + 60).verifySuccessToken(token, 'concert')).toEqual({ valid: false, reason: 'EXPIRED' });
      expect(await at(NOW_SEC + 60).verifySuccessToken(token, 'other')).toEqual({ valid: false, reason: 'INVALID' });
    });

    it('checks iss when an issuer is configured, and only then', async () => {
      const token = await signToken(keyA, { iss: 'https://elsewhere.test' });
      expect(await backend().verifySuccessToken(token, 'concert')).toEqual({ valid: false, reason: 'INVALID' });
      expect(await backend({ issuer: undefined }).verifySuccessToken(token, 'concert')).toMatchObject({ valid: true });
    });

    it('accepts ES256 only: HS256 and alg none are refused', async () => {
      const hs256 = await new SignJWT({ evt: 'concert' })
        .setProtectedHeader({ alg: 'HS256', kid: keyA.kid })
        .setSubject('user-1')
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime('10m')
        .setJti('e.1')
        .sign(new TextEncoder().encode('a-secret-of-thirty-two-bytes-or-more!'));
      const [, claims] = (await signToken(keyA)).split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: keyA.kid })).toString('base64url')}.${claims}.`;
      for (const token of [hs256, none]) {
        expect(await backend().verifySuccessToken(token, 'concert')).toEqual({ valid: false, reason: 'INVALID' });
      }
    });

    it('refuses a changed signature or claims, and junk, without throwing', async () => {
      const token = await signToken(keyA);
      const [header, claims, signature] = token.split('.') as [string, string, string];
      const otherClaims = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), sub: 'mallory' })).toString('base64url');
      const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
      for (const bad of [`${header}.${otherClaims}.${signature}`, `${header}.${claims}.${flipped}`, '', 'a.b.c', 'x'.repeat(5000)]) {
        expect(await backend().verifySuccessToken(bad, 'concert')).toEqual({ valid: false, reason: 'INVALID' });
      }
    });

    it('caches the keys: many checks, one JWKS fetch', async () => {
      const verifier = backend();
      for (let i = 0; i < 5; i += 1) expect(await verifier.verifySuccessToken(await signToken(keyA), 'concert')).toMatchObject({ valid: true });
      expect(foyer.count('/.well-known/jwks.json')).toBe(1);
    });

    it('refetches the JWKS when a token names an unknown kid (key rotation), once the cooldown allows', async () => {
      const verifier = backend({ jwksCooldownMs: 0 });
      expect(await verifier.verifySuccessToken(await signToken(keyA), 'concert')).toMatchObject({ valid: true });
      foyer.published = [keyB.jwk, keyA.jwk];
      expect(await verifier.verifySuccessToken(await signToken(keyB), 'concert')).toMatchObject({ valid: true });
      expect(await verifier.verifySuccessToken(await signToken(keyA), 'concert')).toMatchObject({ valid: true });
      expect(foyer.count('/.well-known/jwks.json')).toBe(2);
    });

    it('answers UNKNOWN_KEY during the cooldown, and for a key Foyer never published', async () => {
      const cooling = backend({ jwksCooldownMs: 60_000 });
      await cooling.verifySuccessToken(await signToken(keyA), 'concert');
      foyer.published = [keyB.jwk, keyA.jwk];
      expect(await cooling.verifySuccessToken(await signToken(keyB), 'concert')).toEqual({ valid: false, reason: 'UNKNOWN_KEY' });
      expect(foyer.count('/.well-known/jwks.json')).toBe(1);
      const forged = await newSigningKey();
      expect(await backend({ jwksCooldownMs: 0 }).verifySuccessToken(await signToken(forged), 'concert')).toEqual({ valid: false, reason: 'UNKNOWN_KEY' });
    });

    it('keeps checking with the keys fetched last while the JWKS cannot be fetched', async () => {
      const verifier = backend({ jwksMaxAgeMs: 0 });
      expect(await verifier.verifySuccessToken(await signToken(keyA), 'concert')).toMatchObject({ valid: true });
      foyer.reachable = false;
      expect(await verifier.verifySuccessToken(await signToken(keyA), 'concert')).toMatchObject({ valid: true });
      expect(await verifier.verifySuccessToken(await signToken(keyA, { evt: 'other' }), 'concert')).toEqual({ valid: false, reason: 'INVALID' });
      expect(foyer.count('/.well-known/jwks.json')).toBeGreaterThanOrEqual(2);
    });

    it('answers KEYS_UNAVAILABLE when no keys were ever fetched', async () => {
      foyer.reachable = false;
      expect(await backend().verifySuccessToken(await signToken(keyA), 'concert')).toEqual({ valid: false, reason: 'KEYS_UNAVAILABLE' });
    });
  });

  describe('verifyOnline and exit', () => {
    it("gives Foyer's answer, and reuses a valid one for onlineCacheMs", async () => {
      let now = 1_000_000;
      const verifier = backend({ now: () => now, onlineCacheMs: 5000 });
      const token = await signToken(keyA);
      expect(await verifier.verifyOnline(token)).toEqual({ valid: true, eventId: 'concert', id: 'user-1', expiresAt: new Date('2099-01-01T00:00:00.000Z') });
      foyer.exited.add(token);
      now += 4999;
      expect(await verifier.verifyOnline(token)).toMatchObject({ valid: true });
      now += 1;
      expect(await verifier.verifyOnline(token)).toEqual({ valid: false, reason: 'EXITED' });
      expect(await verifier.verifyOnline(token)).toEqual({ valid: false, reason: 'EXITED' });
      expect(foyer.count('/v1/active/verify')).toBe(3);
    });

    it('asks every time with onlineCacheMs 0', async () => {
      const verifier = backend({ onlineCacheMs: 0 });
      const token = await signToken(keyA);
      await verifier.verifyOnline(token);
      await verifier.verifyOnline(token);
      expect(foyer.count('/v1/active/verify')).toBe(2);
    });

    it('exit posts the token, answers as Foyer did, and forgets the cached valid answer', async () => {
      const verifier = backend();
      const token = await signToken(keyA);
      expect(await verifier.verifyOnline(token)).toMatchObject({ valid: true });
      expect(await verifier.exit(token)).toEqual({ eventId: 'concert', id: 'user-1', status: 'EXITED' });
      expect(foyer.calls.find((call) => call.path === '/v1/active/exit')!.body).toEqual({ successToken: token });
      expect(await verifier.verifyOnline(token)).toEqual({ valid: false, reason: 'EXITED' });
    });

    it('rejects with a FoyerError when Foyer does not answer, or answers nonsense', async () => {
      const token = await signToken(keyA);
      foyer.reachable = false;
      expect(
        await backend()
          .verifyOnline(token)
          .catch((error: unknown) => error),
      ).toMatchObject({ statusCode: 0, code: 'NETWORK_ERROR' });
      expect(
        await backend()
          .exit(token)
          .catch((error: unknown) => error),
      ).toBeInstanceOf(FoyerError);
      foyer.reachable = true;
      foyer.verifyAnswer = () => ({ valid: 'yes' });
      expect(
        await backend()
          .verifyOnline(token)
          .catch((error: unknown) => error),
      ).toMatchObject({ code: 'INVALID_RESPONSE' });
    });
  });
});
