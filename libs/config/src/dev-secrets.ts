import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEs256PrivateKeyPem, parseEs256PrivateKey } from '@foyer/tokens';
import { ConfigError } from './config-error.js';

/**
 * The secrets of the embedded default (development only): generated on the first start and kept
 * in `${FOYER_DATA_DIR}/secrets.json`, so tickets, tokens and the admin key survive restarts and
 * every process sharing the data directory agrees on them.
 */
export interface DevSecrets {
  adminApiKey: string;
  tokenPrivateKeyPem: string;
  ticketSecret: string;
  callbackSigningSecret: string;
}

const FILE_NAME = 'secrets.json';

const GENERATORS: { [K in keyof DevSecrets]: () => string } = {
  adminApiKey: () => randomBytes(32).toString('base64url'),
  tokenPrivateKeyPem: generateEs256PrivateKeyPem,
  ticketSecret: () => randomBytes(32).toString('base64url'),
  callbackSigningSecret: () => `whsec_${randomBytes(32).toString('base64')}`,
};

const FIELDS = Object.keys(GENERATORS) as (keyof DevSecrets)[];

export function devSecretsPath(dataDir: string): string {
  return join(dataDir, FILE_NAME);
}

/** Reads the kept secrets, creating the file (and the directory) or filling in missing fields. */
export function loadDevSecrets(dataDir: string): DevSecrets {
  const path = devSecretsPath(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    let stored = readStored(path);
    if (stored === undefined) {
      createExclusively(path, generate({}));
      stored = readStored(path)!;
    }
    const complete = generate(stored);
    if (FIELDS.some((field) => stored[field] !== complete[field])) replace(path, complete);
    restrictMode(path);
    return complete;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`FOYER_DATA_DIR: cannot keep generated secrets in ${path}: ${(error as Error).message}`]);
  }
}

/** The stored fields that are usable; `undefined` when there is no file yet. */
function readStored(path: string): Partial<DevSecrets> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    // Never overwrite it: it may hold the only copy of a key someone still relies on.
    throw new ConfigError([`FOYER_DATA_DIR: ${path} is not a JSON object; fix or delete it to generate new secrets`]);
  }
  const record = parsed as Record<string, unknown>;
  const stored: Partial<DevSecrets> = {};
  for (const field of FIELDS) {
    const value = record[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '' || (field === 'tokenPrivateKeyPem' && !isPrivateKey(value))) {
      throw new ConfigError([`FOYER_DATA_DIR: ${path} has an invalid "${field}"; fix or delete it to generate new secrets`]);
    }
    stored[field] = value;
  }
  return stored;
}

function generate(stored: Partial<DevSecrets>): DevSecrets {
  const secrets = {} as DevSecrets;
  for (const field of FIELDS) secrets[field] = stored[field] ?? GENERATORS[field]();
  return secrets;
}

/** Only the first of several processes starting at once creates the file; the others read its complete content. */
function createExclusively(path: string, secrets: DevSecrets): void {
  const temporary = writeTemporary(path, secrets);
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}

function replace(path: string, secrets: DevSecrets): void {
  renameSync(writeTemporary(path, secrets), path);
}

function writeTemporary(path: string, secrets: DevSecrets): string {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return temporary;
}

function restrictMode(path: string): void {
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}

function isPrivateKey(pem: string): boolean {
  try {
    parseEs256PrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}
