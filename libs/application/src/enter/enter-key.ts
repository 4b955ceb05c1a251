import { createHash } from 'node:crypto';
import type { EnterKey } from '@foyer/domain';

/**
 * What the store keeps of an `Idempotency-Key`. The key is a bearer secret (a retry with it gets the
 * place's ticket), so only its SHA-256 is stored and journaled. A place without the customer's id
 * takes an id derived from the key: a retry then names the same id, and the store needs no record of
 * the key at all. It is another hash than the stored one, so the id (in tickets, tokens, the journal)
 * reveals nothing of it, and 22 base64url characters (132 bits) like a random server-made id.
 */
export function enterKeyOf(idempotencyKey: string): EnterKey {
  return {
    hash: createHash('sha256').update(idempotencyKey, 'utf8').digest('hex'),
    serverId: createHash('sha256').update(`foyer:server-made-id:${idempotencyKey}`, 'utf8').digest('base64url').slice(0, 22),
  };
}
