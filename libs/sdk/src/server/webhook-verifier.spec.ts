import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from './webhook-verifier.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const NOW = Date.UTC(2026, 0, 1, 10, 0, 0);
const now = () => NOW;
const BODY = JSON.stringify({ type: 'user.admitted', eventId: 'concert', id: 'user-1', at: '2026-01-01T10:00:00.000Z' });

/** Headers signed by the reference implementation, not by the code under test. */
function signed(body: string, options: { secret?: string; at?: number; id?: string } = {}): Record<string, string> {
  const id = options.id ?? 'journal:42';
  const at = options.at ?? NOW;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at / 1000)),
    'webhook-signature': new Webhook(options.secret ?? SECRET).sign(id, new Date(at), body),
  };
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return (error as WebhookVerificationError).reason;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe('verifyWebhook', () => {
  it('accepts what the Standard Webhooks reference signs, and returns the parsed body', () => {
    expect(verifyWebhook(BODY, signed(BODY), SECRET, { now })).toEqual(JSON.parse(BODY));
  });

  it('produces signatures the reference accepts (the same HMAC both ways)', () => {
    const headers = signed(BODY, { at: Date.now() });
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(verifyWebhook(BODY, headers, SECRET));
  });

  it('takes the body as bytes, and headers as a Headers object or in any case', () => {
    const bytes = new TextEncoder().encode(BODY);
    const headers = signed(BODY);
    expect(verifyWebhook(bytes, new Headers(headers), SECRET, { now })).toEqual(JSON.parse(BODY));
    const shouted = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect(verifyWebhook(BODY, shouted, SECRET, { now })).toEqual(JSON.parse(BODY));
  });

  it('checks the body byte for byte: a re-serialized body fails', () => {
    const headers = signed(BODY);
    expect(failure(() => verifyWebhook(JSON.stringify(JSON.parse(BODY), null, 1), headers, SECRET, { now }))).toBe('BAD_SIGNATURE');
    expect(failure(() => verifyWebhook(BODY.replace('user-1', 'user-2'), headers, SECRET, { now }))).toBe('BAD_SIGNATURE');
  });

  it('refuses another secret, another id and a signature of another version', () => {
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(failure(() => verifyWebhook(BODY, signed(BODY, { secret: other }), SECRET, { now }))).toBe('BAD_SIGNATURE');
    expect(failure(() => verifyWebhook(BODY, { ...signed(BODY), 'webhook-id': 'journal:43' }, SECRET, { now }))).toBe('BAD_SIGNATURE');
    const v2 = signed(BODY)['webhook-signature'].replace('v1,', 'v2,');
    expect(failure(() => verifyWebhook(BODY, { ...signed(BODY), 'webhook-signature': v2 }, SECRET, { now }))).toBe('BAD_SIGNATURE');
    expect(failure(() => verifyWebhook(BODY, { ...signed(BODY), 'webhook-signature': 'v1,short' }, SECRET, { now }))).toBe('BAD_SIGNATURE');
  });

  it('accepts any one matching signature among several (secret rotation)', () => {
    const headers = signed(BODY);
    const stale = signed(BODY, { secret: `whsec_${randomBytes(32).toString('base64')}` })['webhook-signature'];
    expect(verifyWebhook(BODY, { ...headers, 'webhook-signature': `${stale} ${headers['webhook-signature']}` }, SECRET, { now })).toEqual(JSON.parse(BODY));
  });

  it('refuses a timestamp outside the tolerance, either way, and a malformed one', () => {
    expect(failure(() => verifyWebhook(BODY, signed(BODY, { at: NOW - 301_000 }), SECRET, { now }))).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(failure(() => verifyWebhook(BODY, signed(BODY, { at: NOW + 301_000 }), SECRET, { now }))).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(verifyWebhook(BODY, signed(BODY, { at: NOW - 299_000 }), SECRET, { now })).toEqual(JSON.parse(BODY));
    expect(verifyWebhook(BODY, signed(BODY, { at: NOW - 3_600_000 }), SECRET, { now, toleranceSec: 7200 })).toEqual(JSON.parse(BODY));
    expect(failure(() => verifyWebhook(BODY, { ...signed(BODY), 'webhook-timestamp': '1e9' }, SECRET, { now }))).toBe('BAD_TIMESTAMP');
  });

  it('refuses a delivery missing a header', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers: Record<string, string> = signed(BODY);
      delete headers[name];
      expect({ name, reason: failure(() => verifyWebhook(BODY, headers, SECRET, { now })) }).toEqual({ name, reason: 'MISSING_HEADERS' });
    }
  });

  it('says what it needs when given a parsed body (express.json) or none', () => {
    for (const parsed of [JSON.parse(BODY), undefined, null]) {
      expect(() => verifyWebhook(parsed as unknown as string, signed(BODY), SECRET, { now })).toThrow(/raw body/);
    }
  });

  it('says so when a signed body is not JSON, and refuses an empty secret', () => {
    expect(failure(() => verifyWebhook('not json', signed('not json'), SECRET, { now }))).toBe('INVALID_JSON');
    expect(() => verifyWebhook(BODY, signed(BODY), 'whsec_', { now })).toThrow(TypeError);
  });
});
