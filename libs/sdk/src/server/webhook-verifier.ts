import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from now, either way (replays of old deliveries). Default 300 s. */
  toleranceSec?: number;
  /** The clock, in ms. */
  now?: () => number;
}

export type WebhookFailure = 'MISSING_HEADERS' | 'BAD_TIMESTAMP' | 'TIMESTAMP_OUT_OF_RANGE' | 'BAD_SIGNATURE' | 'INVALID_JSON';

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';

  constructor(
    readonly reason: WebhookFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The body of Foyer's lifecycle notifications (an event with a `callbackUrl`). */
export interface LifecycleNotification {
  type: 'user.admitted' | 'user.exited' | 'user.expired' | 'user.abandoned' | 'user.removed';
  eventId: string;
  id: string;
  at: string;
  [field: string]: unknown;
}

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1,';

/**
 * Checks a delivery from Foyer (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature` = `v1,<base64 HMAC-SHA256 over "{id}.{timestamp}.{body}">`, keyed with the
 * base64 part of the `whsec_` secret) and returns the parsed body; throws a
 * `WebhookVerificationError` otherwise. `rawBody` must be the bytes as received: a body parsed
 * and serialized again does not keep its signature. Deliveries are at least once: deduplicate on
 * `webhook-id`.
 */
export function verifyWebhook<T = unknown>(rawBody: string | Uint8Array, headers: WebhookHeaders, secret: string, options: VerifyWebhookOptions = {}): T {
  const key = secretKey(secret);
  // `express.json()` ran first, or no body parser at all: plain JavaScript gets here, and a clear
  // word beats "cannot read properties of undefined".
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError('verifyWebhook needs the raw body as received (a string or bytes: express.raw(), or parseAs "buffer" in Fastify), not a parsed body');
  }
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError('MISSING_HEADERS', 'webhook-id, webhook-timestamp and webhook-signature are required');
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('BAD_TIMESTAMP', 'webhook-timestamp is not unix seconds');
  const nowSec = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSec - Number(timestamp)) > (options.toleranceSec ?? 300)) {
    throw new WebhookVerificationError('TIMESTAMP_OUT_OF_RANGE', 'webhook-timestamp is too far from now');
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  // The header may carry several signatures (during a secret rotation): any v1 match will do.
  const matches = signatures
    .split(' ')
    .filter((entry) => entry.startsWith(SIGNATURE_VERSION))
    .some((entry) => {
      const given = Buffer.from(entry.slice(SIGNATURE_VERSION.length), 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  if (!matches) throw new WebhookVerificationError('BAD_SIGNATURE', 'no webhook-signature matches the body');
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw new WebhookVerificationError('INVALID_JSON', 'the body is not JSON');
  }
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new TypeError('the webhook secret is empty: expected whsec_<base64>');
  return key;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}
