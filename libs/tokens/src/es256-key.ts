import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * ES256 key handling in one place: the config validates PEMs with these, and `SuccessTokens`
 * loads them with the same rules, so a key the config accepts is a key that signs.
 */

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** A fresh P-256 private key as PKCS8 PEM: the embedded default's development signing key. */
export function generateEs256PrivateKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The PEM blocks of a text that concatenates several (`TOKEN_PUBLIC_KEYS`). */
export function splitPemBlocks(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}

/** Parses a P-256 private key (PKCS8 or SEC1 PEM); throws an `Error` saying what is wrong. */
export function parseEs256PrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('is not a PEM private key');
  }
  assertP256(key);
  return key;
}

/** Parses a P-256 public key (SPKI PEM; a certificate or private key yields its public part). */
export function parseEs256PublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('is not a PEM public key');
  }
  assertP256(key);
  return key;
}

function assertP256(key: KeyObject): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new Error(`is a ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` ${curve}` : ''} key, ES256 needs an EC P-256 key`);
  }
}
