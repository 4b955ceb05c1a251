import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { generateEs256PrivateKeyPem, parseEs256PrivateKey, parseEs256PublicKey, splitPemBlocks } from './es256-key.js';

describe('ES256 keys', () => {
  it('generates a PKCS8 P-256 private key', () => {
    const pem = generateEs256PrivateKeyPem();
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(parseEs256PrivateKey(pem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(generateEs256PrivateKeyPem()).not.toBe(pem);
  });

  it('accepts a SEC1 private key as made by `openssl ecparam -genkey`', () => {
    const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    expect(parseEs256PrivateKey(sec1).type).toBe('private');
  });

  it('splits concatenated PEM blocks', () => {
    const a = createPublicKey(generateEs256PrivateKeyPem()).export({ format: 'pem', type: 'spki' }).toString();
    const b = createPublicKey(generateEs256PrivateKeyPem()).export({ format: 'pem', type: 'spki' }).toString();
    const blocks = splitPemBlocks(`${a}\n${b}`);
    expect(blocks).toHaveLength(2);
    expect(blocks.map((block) => parseEs256PublicKey(block).export({ format: 'jwk' }).x)).toEqual([
      createPublicKey(a).export({ format: 'jwk' }).x,
      createPublicKey(b).export({ format: 'jwk' }).x,
    ]);
    expect(splitPemBlocks('no pem here')).toEqual([]);
  });

  it('says what is wrong with a key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(() => parseEs256PublicKey(rsa)).toThrow('is a rsa key, ES256 needs an EC P-256 key');
    expect(() => parseEs256PrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toThrow('is not a PEM private key');
    expect(() => parseEs256PublicKey('nope')).toThrow('is not a PEM public key');
  });
});
