import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { FakeClock } from '@foyer/domain';
import { IdTokenVerifier } from './id-token.js';

const SECRET = 'entry-token-secret-shared-with-the-backend';
const NOW = Date.UTC(2026, 0, 1, 10, 0, 0);
const NOW_S = NOW / 1000;
const BASE64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Mints a token the way a customer's backend might, without jose, so any header or claims can be made. */
function mint(claims: Record<string, unknown>, options: { secret?: string; alg?: string; hmac?: string } = {}): string {
  const signingInput = `${segment({ alg: options.alg ?? 'HS256', typ: 'JWT' })}.${segment(claims)}`;
  const signature = createHmac(options.hmac ?? 'sha256', options.secret ?? SECRET)
    .update(signingInput)
    .digest('base64url');
  return `${signingInput}.${signature}`;
}

const VALID = { sub: 'user-123', evt: 'concert-2026', exp: NOW_S + 60 };

describe('IdTokenVerifier', () => {
  const clock = new FakeClock(NOW);
  const verifier = new IdTokenVerifier(SECRET, clock);

  beforeEach(() => clock.set(NOW));

  it('gives the sub of a valid token for its event', async () => {
    expect(verifier.configured).toBe(true);
    expect(await verifier.verify(mint(VALID), 'concert-2026')).toBe('user-123');
  });

  it('accepts tokens made with jose too (key = UTF-8 bytes of the secret)', async () => {
    const token = await new SignJWT({ evt: 'concert-2026' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('名前 with spaces')
      .setExpirationTime(NOW_S + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await verifier.verify(token, 'concert-2026')).toBe('名前 with spaces');
  });

  it('refuses a token of another event', async () => {
    expect(await verifier.verify(mint(VALID), 'other-event')).toBeNull();
  });

  it('refuses a token missing sub, evt or exp', async () => {
    for (const missing of ['sub', 'evt', 'exp'] as const) {
      const claims: Record<string, unknown> = { ...VALID };
      delete claims[missing];
      expect({ missing, sub: await verifier.verify(mint(claims), 'concert-2026') }).toEqual({ missing, sub: null });
    }
  });

  it('refuses a sub that is not a valid id', async () => {
    for (const sub of ['', 'x'.repeat(129), 'line\nbreak', 'nul\u0000', 42]) {
      expect(await verifier.verify(mint({ ...VALID, sub }), 'concert-2026')).toBeNull();
    }
    expect(await verifier.verify(mint({ ...VALID, sub: 'x'.repeat(128) }), 'concert-2026')).toBe('x'.repeat(128));
  });

  it('refuses an expired token, by the clock', async () => {
    const token = mint(VALID);
    clock.set((NOW_S + 59) * 1000);
    expect(await verifier.verify(token, 'concert-2026')).toBe('user-123');
    clock.set((NOW_S + 60) * 1000);
    expect(await verifier.verify(token, 'concert-2026')).toBeNull();
    expect(await verifier.verify(mint({ ...VALID, exp: 'later' }), 'concert-2026')).toBeNull();
  });

  it('refuses a token signed with another secret', async () => {
    expect(await verifier.verify(mint(VALID, { secret: `${SECRET}x` }), 'concert-2026')).toBeNull();
    expect(await new IdTokenVerifier('another-secret', clock).verify(mint(VALID), 'concert-2026')).toBeNull();
  });

  it('refuses alg none and any alg other than HS256', async () => {
    const [, claims] = mint(VALID).split('.');
    expect(await verifier.verify(`${segment({ alg: 'none' })}.${claims}.`, 'concert-2026')).toBeNull();
    expect(await verifier.verify(`${segment({ alg: 'none' })}.${claims}`, 'concert-2026')).toBeNull();
    expect(await verifier.verify(mint(VALID, { alg: 'HS512', hmac: 'sha512' }), 'concert-2026')).toBeNull();
    expect(await verifier.verify(mint(VALID, { alg: 'HS384', hmac: 'sha384' }), 'concert-2026')).toBeNull();
  });

  it('refuses a token with any character changed', async () => {
    const token = mint(VALID);
    for (let i = 0; i < token.length; i += 1) {
      const next = BASE64URL_CHARS[(BASE64URL_CHARS.indexOf(token[i]) + 1) % BASE64URL_CHARS.length];
      const tampered = token.slice(0, i) + (token[i] === '.' ? 'A' : next) + token.slice(i + 1);
      expect({ i, sub: await verifier.verify(tampered, 'concert-2026') }).toEqual({ i, sub: null });
    }
  });

  it('answers malformed input with null, never an exception', async () => {
    for (const input of ['', 'a.b.c', '...', 'not a token', 'x'.repeat(100_000)]) {
      expect(await verifier.verify(input, 'concert-2026')).toBeNull();
    }
  });

  it('refuses everything while no secret is configured', async () => {
    for (const unset of [new IdTokenVerifier(null, clock), new IdTokenVerifier('', clock)]) {
      expect(unset.configured).toBe(false);
      expect(await unset.verify(mint(VALID), 'concert-2026')).toBeNull();
    }
  });
});

describe('IdTokenVerifier and far-off expiry', () => {
  const clock = new FakeClock(NOW);

  it('refuses a genuine token whose exp lies further ahead than the bound, saying so', async () => {
    const verifier = new IdTokenVerifier(SECRET, clock, 3600);
    expect(await verifier.verify(mint({ ...VALID, exp: NOW_S + 3600 }), 'concert-2026')).toBe('user-123');
    await expect(verifier.verify(mint({ ...VALID, exp: NOW_S + 3601 }), 'concert-2026')).rejects.toMatchObject({
      code: 'INVALID_ID_TOKEN',
      message: expect.stringContaining('ENTRY_TOKEN_MAX_TTL_SEC'),
    });
  });

  it('bounds exp at a day by default', async () => {
    const verifier = new IdTokenVerifier(SECRET, clock);
    await expect(verifier.verify(mint({ ...VALID, exp: NOW_S + 5 * 365 * 86_400 }), 'concert-2026')).rejects.toMatchObject({ code: 'INVALID_ID_TOKEN' });
  });
});
