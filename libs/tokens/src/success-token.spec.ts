import { createHash, createPublicKey, createSign, generateKeyPairSync, verify as cryptoVerify } from 'node:crypto';
import { FakeClock } from '@foyer/domain';
import { generateEs256PrivateKeyPem } from './es256-key.js';
import { SuccessTokens } from './success-token.js';

const ISSUER = 'https://foyer.example';
const ADMITTED_AT = Date.UTC(2026, 0, 1, 10, 0, 0, 250);
const EXPIRES_AT = ADMITTED_AT + 600_000 + 500; // not on a whole second: exp rounds down
const INPUT = { eventId: 'concert-2026', id: 'user-123', seq: 42, epoch: 'ep.och', admittedAt: ADMITTED_AT, expiresAt: EXPIRES_AT };
const BASE64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs any header and claims with a P-256 key, without jose: tokens Foyer would never make. */
function handSigned(privateKeyPem: string, header: object, claims: object): string {
  const signingInput = `${encodeSegment(header)}.${encodeSegment(claims)}`;
  const signature = createSign('sha256').update(signingInput).sign({ key: privateKeyPem, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

describe('SuccessTokens', () => {
  const privateKeyPem = generateEs256PrivateKeyPem();
  const clock = new FakeClock(ADMITTED_AT);
  let tokens: SuccessTokens;

  beforeAll(async () => {
    tokens = await SuccessTokens.create({ privateKeyPem, extraPublicKeysPem: [], issuer: ISSUER, clock });
  });

  beforeEach(() => clock.set(ADMITTED_AT));

  it('signs the documented header and claims', async () => {
    const [header, claims] = (await tokens.sign(INPUT)).split('.');
    const kid = tokens.jwks().keys[0].kid;
    expect(decodeSegment(header)).toEqual({ alg: 'ES256', kid, typ: 'JWT' });
    expect(decodeSegment(claims)).toEqual({
      evt: 'concert-2026',
      sub: 'user-123',
      iss: ISSUER,
      iat: Math.floor(ADMITTED_AT / 1000),
      exp: Math.floor(EXPIRES_AT / 1000),
      jti: 'ep.och.42',
    });
  });

  it('verifies its own token and gives the session back', async () => {
    const result = await tokens.verify(await tokens.sign(INPUT));
    expect(result).toEqual({
      ok: true,
      expired: false,
      claims: {
        eventId: 'concert-2026',
        id: 'user-123',
        seq: 42,
        epoch: 'ep.och',
        issuedAt: Math.floor(ADMITTED_AT / 1000) * 1000,
        expiresAt: Math.floor(EXPIRES_AT / 1000) * 1000,
      },
    });
  });

  it('keeps ids with any characters', async () => {
    const id = 'ünïcødé "名前" . 🎟️';
    const result = await tokens.verify(await tokens.sign({ ...INPUT, id, seq: 0 }));
    expect(result.ok && result.claims).toMatchObject({ id, seq: 0 });
  });

  it('reports an expired token as ours but expired, from exp onwards', async () => {
    const token = await tokens.sign(INPUT);
    const exp = Math.floor(EXPIRES_AT / 1000) * 1000;
    clock.set(exp - 1);
    expect(await tokens.verify(token)).toMatchObject({ ok: true, expired: false });
    clock.set(exp);
    expect(await tokens.verify(token)).toMatchObject({ ok: true, expired: true, claims: { id: 'user-123' } });
    clock.advance(86_400_000);
    expect(await tokens.verify(token)).toMatchObject({ ok: true, expired: true });
  });

  it('rejects a token with any character changed', async () => {
    const token = await tokens.sign(INPUT);
    for (let i = 0; i < token.length; i += 1) {
      const next = BASE64URL_CHARS[(BASE64URL_CHARS.indexOf(token[i]) + 1) % BASE64URL_CHARS.length];
      for (const c of [next, '.', '=']) {
        if (c === token[i]) continue;
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        expect({ i, c, result: await tokens.verify(tampered) }).toEqual({ i, c, result: { ok: false } });
      }
    }
  });

  it('rejects a token signed by another key, whatever kid it claims', async () => {
    const otherPem = generateEs256PrivateKeyPem();
    const other = await SuccessTokens.create({ privateKeyPem: otherPem, extraPublicKeysPem: [], issuer: ISSUER, clock });
    expect(await tokens.verify(await other.sign(INPUT))).toEqual({ ok: false });

    const ourKid = tokens.jwks().keys[0].kid;
    const claims = decodeSegment((await tokens.sign(INPUT)).split('.')[1]);
    expect(await tokens.verify(handSigned(otherPem, { alg: 'ES256', kid: ourKid }, claims))).toEqual({ ok: false });
    // The same hand-made token signed with our key passes: the refusal above is the key's.
    expect(await tokens.verify(handSigned(privateKeyPem, { alg: 'ES256', kid: ourKid }, claims))).toMatchObject({ ok: true });
  });

  it('rejects a missing or unknown kid, another alg and alg none', async () => {
    const ourKid = tokens.jwks().keys[0].kid;
    const [, claims] = (await tokens.sign(INPUT)).split('.');
    const claimsObject = decodeSegment(claims);
    expect(await tokens.verify(handSigned(privateKeyPem, { alg: 'ES256' }, claimsObject))).toEqual({ ok: false });
    expect(await tokens.verify(handSigned(privateKeyPem, { alg: 'ES256', kid: 'nope' }, claimsObject))).toEqual({ ok: false });
    expect(await tokens.verify(handSigned(privateKeyPem, { alg: 'ES384', kid: ourKid }, claimsObject))).toEqual({ ok: false });
    expect(await tokens.verify(`${encodeSegment({ alg: 'none', kid: ourKid })}.${claims}.`)).toEqual({ ok: false });
    expect(await tokens.verify(`${encodeSegment({ alg: 'none', kid: ourKid })}.${claims}.AA`)).toEqual({ ok: false });
  });

  it('rejects a token of another issuer, or with claims missing or malformed', async () => {
    const elsewhere = await SuccessTokens.create({ privateKeyPem, extraPublicKeysPem: [], issuer: 'https://other.example', clock });
    expect(await tokens.verify(await elsewhere.sign(INPUT))).toEqual({ ok: false });

    const header = { alg: 'ES256', kid: tokens.jwks().keys[0].kid };
    const good = decodeSegment((await tokens.sign(INPUT)).split('.')[1]);
    const broken: Record<string, unknown>[] = [
      { ...good, sub: undefined },
      { ...good, sub: '' },
      { ...good, evt: undefined },
      { ...good, evt: 7 },
      { ...good, exp: undefined },
      { ...good, exp: '1767261000' },
      { ...good, iat: 1.5 },
      { ...good, jti: undefined },
      { ...good, jti: 'no-seq' },
      { ...good, jti: 'ep.-1' },
      { ...good, jti: '.42' },
      { ...good, iss: undefined },
    ];
    for (const claims of broken) {
      expect({ claims, result: await tokens.verify(handSigned(privateKeyPem, header, claims)) }).toEqual({
        claims,
        result: { ok: false },
      });
    }
  });

  it('answers malformed input with ok: false, never an exception', async () => {
    const inputs = ['', 'a', 'a.b', 'a.b.c', 'a.b.c.d', '...', '!!.??.**', `${encodeSegment({ alg: 'ES256' })}.e30.`, 'x'.repeat(100_000)];
    for (const input of inputs) expect(await tokens.verify(input)).toEqual({ ok: false });
    expect(await tokens.verify(`${encodeSegment('string header')}.e30.AAAA`)).toEqual({ ok: false });
    expect(await tokens.verify(`${Buffer.from('{not json').toString('base64url')}.e30.AAAA`)).toEqual({ ok: false });
  });

  it('publishes the signing key first, with its RFC 7638 thumbprint as kid and no private part', async () => {
    const [jwk] = tokens.jwks().keys;
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
    expect(jwk.kid).toBe(createHash('sha256').update(canonical).digest('base64url'));
  });

  it('signs tokens that an independent verifier accepts with the JWKS key alone', async () => {
    const token = await tokens.sign(INPUT);
    const [header, claims, signature] = token.split('.');
    const { kid } = decodeSegment(header);
    const jwk = tokens.jwks().keys.find((key) => key.kid === kid)!;
    const publicKey = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
    const check = (input: string) =>
      cryptoVerify('sha256', Buffer.from(input), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
    expect(check(`${header}.${claims}`)).toBe(true);
    expect(check(`${header}.${encodeSegment({ ...decodeSegment(claims), sub: 'someone-else' })}`)).toBe(false);
  });

  it('accepts and publishes the extra public keys of a rotation', async () => {
    const oldPem = generateEs256PrivateKeyPem();
    const old = await SuccessTokens.create({ privateKeyPem: oldPem, extraPublicKeysPem: [], issuer: ISSUER, clock });
    const oldPublicPem = createPublicKey(oldPem).export({ format: 'pem', type: 'spki' }).toString();
    const rotated = await SuccessTokens.create({
      privateKeyPem,
      // The signing key again and a duplicate: published once each.
      extraPublicKeysPem: [oldPublicPem, oldPublicPem, createPublicKey(privateKeyPem).export({ format: 'pem', type: 'spki' }).toString()],
      issuer: ISSUER,
      clock,
    });

    const kids = rotated.jwks().keys.map((key) => key.kid);
    expect(kids).toEqual([tokens.jwks().keys[0].kid, old.jwks().keys[0].kid]);
    expect(await rotated.verify(await old.sign(INPUT))).toMatchObject({ ok: true, claims: { id: 'user-123' } });
    expect(await rotated.verify(await rotated.sign(INPUT))).toMatchObject({ ok: true });
    expect(await old.verify(await rotated.sign(INPUT))).toEqual({ ok: false });
    expect(JSON.stringify(rotated.jwks())).not.toContain('"d"');
  });

  it('refuses keys that are not P-256', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await expect(SuccessTokens.create({ privateKeyPem: rsa, extraPublicKeysPem: [], issuer: ISSUER })).rejects.toThrow(/P-256/);
    await expect(SuccessTokens.create({ privateKeyPem: p384, extraPublicKeysPem: [], issuer: ISSUER })).rejects.toThrow(/P-256/);
    await expect(SuccessTokens.create({ privateKeyPem, extraPublicKeysPem: ['garbage'], issuer: ISSUER })).rejects.toThrow(/PEM/);
  });
});
