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
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export class TicketCodec {
  private readonly key: KeyObject;

  constructor(secret: string) {
    if (secret.length === 0) throw new Error('TicketCodec needs a non-empty secret');
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(place: Place): string {
    if (!Number.isSafeInteger(place.seq) || place.seq < 0) {
      throw new RangeError(`ticket seq must be a non-negative integer, got ${place.seq}`);
    }
    const payload = Buffer.from(JSON.stringify([place.eventId, place.id, place.seq, place.epoch]), 'utf8').toString(
      'base64url',
    );
    return `${payload}.${this.mac(payload)}`;
  }

  /** The place the ticket names, or `null` for anything not issued with this secret. */
  read(ticket: string): Place | null {
    if (typeof ticket !== 'string' || ticket.length > MAX_TICKET_LENGTH) return null;
    const dot = ticket.indexOf('.');
    if (dot <= 0) return null;
    const payload = ticket.slice(0, dot);
    const mac = ticket.slice(dot + 1);
    if (mac.length !== MAC_LENGTH || !BASE64URL.test(mac) || !BASE64URL.test(payload)) return null;
    if (!timingSafeEqual(Buffer.from(mac, 'latin1'), Buffer.from(this.mac(payload), 'latin1'))) return null;
    return parsePayload(payload);
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

function parsePayload(payload: string): Place | null {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(fields) || fields.length !== 4) return null;
  const [eventId, id, seq, epoch] = fields as unknown[];
  if (typeof eventId !== 'string' || typeof id !== 'string' || typeof epoch !== 'string') return null;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return null;
  return { eventId, id, seq, epoch };
}
