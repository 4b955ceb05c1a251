import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import { EVENT_ID_PATTERN, isIdempotencyKey, USER_ID_PATTERN, validationFailed } from '@foyer/domain';

export class EnterDto {
  @ApiProperty({ example: 'concert-2026', pattern: EVENT_ID_PATTERN.source })
  @IsString()
  @Matches(EVENT_ID_PATTERN, { message: 'eventId must match [A-Za-z0-9._-]{1,64}' })
  eventId!: string;

  @ApiPropertyOptional({
    description: "The customer's unique user id (1..128 characters, no control characters). Omit it to get a server-made id. Never together with idToken.",
    example: 'user-123',
  })
  @ValidateIf((_object, value) => value !== undefined) // may be omitted, never null
  @IsString()
  @Length(1, 128)
  @Matches(USER_ID_PATTERN, { message: 'id must not contain control characters' })
  id?: string;

  @ApiPropertyOptional({
    description: "HS256 JWT from the customer's backend (claims sub, evt, exp; key ENTRY_TOKEN_SECRET). Required on SIGNED events. Never together with id.",
  })
  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @Length(1, 4096)
  idToken?: string;
}

/** Printable ASCII: characters every rule of EnterDto's strings accepts, each one counted once. */
const PLAIN_ID = /^[\x20-\x7e]{1,128}$/;
const PLAIN_ID_TOKEN = /^[\x20-\x7e]{1,4096}$/;

/**
 * The usual enter body, checked without class-validator (the hot path's largest cost): an object
 * with `eventId` and at most `id` and `idToken` besides, every value a string of printable ASCII
 * within EnterDto's limits. Whatever this accepts, EnterDto accepts with the same values; anything
 * else, valid or not, is `null`, and goes through the validation pipe for its exact answer.
 */
export function plainEnterBody(body: unknown): EnterDto | null {
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) return null;
  const { eventId, id, idToken } = body as Record<string, unknown>;
  if (typeof eventId !== 'string' || !EVENT_ID_PATTERN.test(eventId)) return null;
  if (id !== undefined && (typeof id !== 'string' || !PLAIN_ID.test(id))) return null;
  if (idToken !== undefined && (typeof idToken !== 'string' || !PLAIN_ID_TOKEN.test(idToken))) return null;
  const fields = 1 + (id === undefined ? 0 : 1) + (idToken === undefined ? 0 : 1);
  if (Object.keys(body).length !== fields) return null;
  return { eventId, id, idToken };
}

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The enter's `Idempotency-Key` header, when sent: 16..128 printable ASCII, else `400 VALIDATION_FAILED`. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!isIdempotencyKey(header)) {
    throw validationFailed([{ field: IDEMPOTENCY_KEY_HEADER, message: 'must be 16 to 128 printable ASCII characters, sent once' }]);
  }
  return header;
}
