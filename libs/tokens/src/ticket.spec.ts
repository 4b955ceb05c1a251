import { createHmac } from 'node:crypto';
import type { Place } from '@foyer/domain';
import { TicketCodec } from './ticket.js';

const SECRET = 'ticket-secret-for-tests-0123456789';
const BASE64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const place: Place = { eventId: 'concert-2026', id: 'user-123', seq: 42, epoch: 'k3j4.x9' };

/** Every single-character change of `text`: each position replaced by a different base64url character and by a few others. */
function* tamperings(text: string): Generator<string> {
  for (let i = 0; i < text.length; i += 1) {
    const replacement = BASE64URL_CHARS[(BASE64URL_CHARS.indexOf(text[i]) + 1) % BASE64URL_CHARS.length];
    for (const c of [replacement, '.', '=', 'Ł']) {
      if (c !== text[i]) yield text.slice(0, i) + c + text.slice(i + 1);
    }
  }
}

/** A ticket with a valid MAC over any payload text: what only the secret's holder can make. */
function signedWithSecret(payloadJson: string): string {
  const payload = Buffer.from(payloadJson, 'utf8').toString('base64url');
  return `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
}

describe('TicketCodec', () => {
  const codec = new TicketCodec(SECRET);

  it('reads back the place it issued', () => {
    expect(codec.read(codec.issue(place))).toEqual(place);
  });

  it('carries ids with any non-control characters, up to 128', () => {
    const ids = ['a', 'x'.repeat(128), 'ünïcødé 名前 🎟️', 'quote"back\\slash', 'dots.and.dots', '[1,2]', ' spaced '];
    for (const id of ids) {
      const ticket = codec.issue({ ...place, id });
      expect(ticket).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      expect(codec.read(ticket)).toEqual({ ...place, id });
    }
  });

  it('keeps seq 0 and large sequence numbers exact', () => {
    for (const seq of [0, 1, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      expect(codec.read(codec.issue({ ...place, seq }))?.seq).toBe(seq);
    }
  });

  it('refuses to issue a ticket for a seq it could not read back', () => {
    for (const seq of [-1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => codec.issue({ ...place, seq })).toThrow(RangeError);
    }
  });

  it('rejects a ticket with any character changed', () => {
    const ticket = codec.issue(place);
    let checked = 0;
    for (const tampered of tamperings(ticket)) {
      expect(codec.read(tampered)).toBeNull();
      checked += 1;
    }
    expect(checked).toBeGreaterThan(ticket.length * 3);
  });

  it('rejects a truncated or extended ticket', () => {
    const ticket = codec.issue(place);
    for (let length = 0; length < ticket.length; length += 1) {
      expect(codec.read(ticket.slice(0, length))).toBeNull();
    }
    expect(codec.read(`${ticket}A`)).toBeNull();
    expect(codec.read(`${ticket}.`)).toBeNull();
    expect(codec.read(`A${ticket}`)).toBeNull();
  });

  it('rejects a ticket issued with another secret', () => {
    const other = new TicketCodec(`${SECRET}-other`);
    expect(codec.read(other.issue(place))).toBeNull();
    expect(other.read(codec.issue(place))).toBeNull();
  });

  it('cannot be turned into a ticket for another event or id', () => {
    const alice = codec.issue({ ...place, id: 'alice' });
    const bob = codec.issue({ ...place, id: 'bob' });
    const otherEvent = codec.issue({ ...place, eventId: 'other-event', id: 'alice' });
    const [alicePayload, aliceMac] = alice.split('.');
    const [bobPayload, bobMac] = bob.split('.');
    const [otherEventPayload] = otherEvent.split('.');

    expect(codec.read(`${bobPayload}.${aliceMac}`)).toBeNull();
    expect(codec.read(`${alicePayload}.${bobMac}`)).toBeNull();
    expect(codec.read(`${otherEventPayload}.${aliceMac}`)).toBeNull();
    const forgedBob = Buffer.from(JSON.stringify(['concert-2026', 'bob', 42, 'k3j4.x9'])).toString('base64url');
    expect(codec.read(`${forgedBob}.${aliceMac}`)).toBeNull();
    const forgedEarlierSeq = Buffer.from(JSON.stringify(['concert-2026', 'bob', 1, 'k3j4.x9'])).toString('base64url');
    expect(codec.read(`${forgedEarlierSeq}.${bobMac}`)).toBeNull();
    expect(codec.read(bob)).toEqual({ ...place, id: 'bob' });
  });

  it('rejects malformed input without throwing', () => {
    const inputs = ['', '.', '..', 'abc', 'a.b', `${'A'.repeat(10)}.${'B'.repeat(43)}`, 'x'.repeat(10_000), 'Bearer x.y'];
    for (const input of inputs) expect(codec.read(input)).toBeNull();
    expect(codec.read(undefined as unknown as string)).toBeNull();
  });

  it('rejects a correctly signed payload that does not name a place', () => {
    const payloads = [
      '["e","i",1]',
      '["e","i",1,"ep","extra"]',
      '["e","i",-1,"ep"]',
      '["e","i",1.5,"ep"]',
      '["e","i","1","ep"]',
      '["e",7,1,"ep"]',
      '{"eventId":"e","id":"i","seq":1,"epoch":"ep"}',
      'not json',
    ];
    for (const payload of payloads) expect(codec.read(signedWithSecret(payload))).toBeNull();
    expect(codec.read(signedWithSecret('["e","i",1,"ep"]'))).toEqual({ eventId: 'e', id: 'i', seq: 1, epoch: 'ep' });
  });

  it('needs a secret', () => {
    expect(() => new TicketCodec('')).toThrow();
  });
});
