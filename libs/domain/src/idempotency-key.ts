/**
 * The `Idempotency-Key` of an enter: 16..128 printable ASCII characters, chosen by the client (the
 * page and the SDK send 128 random bits) and sent again, unchanged, on every retry of that enter.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{16,128}$/;

export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && IDEMPOTENCY_KEY_PATTERN.test(value);
}
