/**
 * A fresh `Idempotency-Key` for one new enter: 128 random bits as 32 hex digits, from the platform's
 * CSPRNG (`crypto.getRandomValues`, in browsers and Node 20 alike). Send the same key on every retry
 * of that enter and a new one for the next enter; the key yields the place's ticket, so keep it as
 * private as the ticket.
 */
export function newIdempotencyKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
