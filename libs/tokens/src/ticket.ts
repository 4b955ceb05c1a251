import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Place } from '@foyer/domain';

/**
 * The visitor's ticket: `base64url(JSON [eventId, id, seq, epoch]) "." base64url(HMAC-SHA256)`.
 *
 * Stateless (any replica checks it with the shared secret) and cheap, because every poll reads
 * one. The MAC covers the payload's exact text, so any change to the ticket's text fails, and it
 * is compared in constant time. JSON carries ids with any characters without an escaping scheme.
 */

const MAC_LENGTH = 43; // base64url of 32 bytes, unpadded
/** Far above the longest real ticket (64-char event, 128-char id); stops hashing junk. */
const MAX_TICKET_LENGTH = 4096;
/**
 * Payload, dot, MAC. The MAC's last character carries 4 bits and 2 unused zero bits: only the 16
 * characters whose unused bits are zero are its canonical encoding, so no second spelling of a
 * MAC decodes to the same bytes.
 */
const TICKET = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export class TicketCodec {
  private readonly key: KeyObject;

  /** Decoded base64url (the MAC, then the payload) lands here: `read` allocates no buffer. */
  private readonly scratch = Buffer.alloc(MAX_TICKET_LENGTH);
  private readonly presentedMac = this.scratch.subarray(0, 32);

  constructor(secret: string) {
    if (secret.length === 0) throw new Error('TicketCodec needs a non-empty secret');
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(place: Place): string {
    if (!Number.isSafeInteger(place.seq) || place.seq < 0) {
      throw new RangeError(`ticket seq must be a non-negative integer, got ${place.seq}`);
    }
    const payload = Buffer.from(JSON.stringify([place.eventId, place.id, place.seq, place.epoch]), 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The place the ticket names, or `null` for anything not issued with this secret. */
  read(ticket: string): Place | null {
    if (typeof ticket !== 'string' || ticket.length > MAX_TICKET_LENGTH || !TICKET.test(ticket)) return null;
    const dot = ticket.length - MAC_LENGTH - 1;
    const payload = ticket.slice(0, dot);
    this.scratch.write(ticket.slice(dot + 1), 'base64url');
    if (!timingSafeEqual(this.presentedMac, this.mac(payload))) return null;
    const length = this.scratch.write(payload, 'base64url');
    return parsePayload(this.scratch.toString('utf8', 0, length));
  }

  /** HMAC-SHA256 of the payload's base64url text. */
  private mac(payload: string): Buffer {
    // node:crypto, not a faster hand-written SHA-256: a few µs per poll are not worth owning crypto code.
    return createHmac('sha256', this.key).update(payload).digest();
  }
}

/** `json`: the payload's decoded text. */
function parsePayload(json: string): Place | null {
  let fields: unknown;
  try {
    fields = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(fields) || fields.length !== 4) return null;
  const [eventId, id, seq, epoch] = fields as unknown[];
  if (typeof eventId !== 'string' || typeof id !== 'string' || typeof epoch !== 'string') return null;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return null;
  return { eventId, id, seq, epoch };
}
