import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BLOCK_REASONS, EVENT_STATUSES, EXPIRED_REASONS, QUEUE_STATE_FIELDS, QUEUE_STATUSES, type ExpectedInfo, type QueueStateField } from '@foyer/domain';

export class ExpectedInfoDto {
  @ApiProperty({ type: 'integer', description: '1-based; rank 1 is admitted next', example: 42 })
  rank!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'estimated wait; null while no estimate is possible', example: 180 })
  waitSeconds!: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'the wait rounded up to minutes as HH:MM', example: '00:03' })
  time!: string | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'how sure the estimate is: about a quarter of visitors at this place wait less than this (null with waitSeconds)',
    example: 150,
  })
  waitSecondsP25!: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'about a quarter wait longer than this; the range is wide while few admissions have been seen (null with waitSeconds)',
    example: 215,
  })
  waitSecondsP75!: number | null;
}

/** API.md's QueueState; which fields are present depends on `status`. */
export class QueueStateDto {
  @ApiProperty({ example: 'user-123' }) id!: string;
  @ApiProperty({ example: 'concert-2026' }) eventId!: string;
  @ApiProperty({ enum: EVENT_STATUSES }) eventStatus!: string;
  @ApiProperty({ enum: QUEUE_STATUSES }) status!: string;

  @ApiPropertyOptional({ description: 'WAIT and ENTER: opaque signed ticket; send as authorization: Bearer to poll or resume' })
  ticket?: string;

  @ApiPropertyOptional({ type: ExpectedInfoDto, description: 'WAIT only' })
  expectedInfo?: ExpectedInfoDto;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'WAIT only: when to poll next. Grows with rank (about 1–2 s near the front), ±10 % jitter, never below minPollIntervalMs nor above a third of waitTimeoutSec.',
  })
  pollAfterMs?: number;

  @ApiPropertyOptional({ description: 'ENTER only: ES256 JWT for the customer backend; the same on every answer of one session' })
  successToken?: string;

  @ApiPropertyOptional({ description: 'ENTER only: end of the session', format: 'date-time' })
  expiresAt?: string;

  @ApiPropertyOptional({ description: 'ENTER only, when the event has one: successUrl with wr_token=<successToken>' })
  successUrl?: string;

  @ApiPropertyOptional({
    enum: [...BLOCK_REASONS, ...EXPIRED_REASONS],
    description:
      'BLOCK: REENTRY_BLOCKED. EXPIRED: WAIT_TIMEOUT, SESSION_ENDED, EXITED, EVENT_CLOSED, PLACE_LOST. ' +
      'A ticket whose session ended (exit or expiry) answers BLOCK while the event blocks re-entry, as a new enter would.',
  })
  reason?: string;

  @ApiPropertyOptional({ description: "the event's operator message, when it has one" })
  message?: string;
}

const text = { type: 'string' } as const;
const nullable = (type: 'number' | 'string') => ({ type: [type, 'null'] }) as const;

const EXPECTED_INFO_SCHEMAS = {
  rank: { type: 'number' },
  waitSeconds: nullable('number'),
  time: nullable('string'),
  waitSecondsP25: nullable('number'),
  waitSecondsP75: nullable('number'),
} as const satisfies Record<keyof ExpectedInfo, object>;

/** How each field of the domain's QueueState is written; the compiler holds it to that type's fields, no more, no fewer. */
const FIELD_SCHEMAS = {
  id: text,
  eventId: text,
  eventStatus: text,
  message: text,
  status: text,
  ticket: text,
  expectedInfo: { type: 'object', properties: EXPECTED_INFO_SCHEMAS },
  pollAfterMs: { type: 'number' },
  successToken: text,
  expiresAt: text,
  successUrl: text,
  reason: text,
} as const satisfies Record<QueueStateField, object>;

/**
 * QueueState as a Fastify response schema: Fastify then writes the answers of the enter and
 * poll routes with a serialiser compiled for this shape (fast-json-stringify), in the order of
 * QUEUE_STATE_FIELDS. It writes only the properties named here: queue-state.dto.spec.ts checks
 * they are the DTO's, queue-state-drift.spec.ts that they are the domain's and the SDK's.
 */
export const QUEUE_STATE_SCHEMA = {
  type: 'object',
  properties: Object.fromEntries(QUEUE_STATE_FIELDS.map((field) => [field, FIELD_SCHEMAS[field]])) as typeof FIELD_SCHEMAS,
} as const;
