import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import {
  CALLBACK_STATUSES,
  GROUP_ID_PATTERN,
  MESSAGE_ID_PATTERN,
  ON_DEAD,
  type CallbackStatus,
  type OnDead,
  type ProcessedStatus,
} from '../message/callback-message.js';
import { MAX_CALLBACK_URL_LENGTH } from '../security/callback-url-policy.js';

/** A field that may be omitted (or null, which counts as omitted). */
const Optional = () => ValidateIf((_object, value) => value !== undefined && value !== null);

export class PostCallbackDto {
  @ApiProperty({ example: 'https://receiver.example/hook', maxLength: MAX_CALLBACK_URL_LENGTH, description: 'http(s) URL the body is POSTed to' })
  @IsString()
  @MaxLength(MAX_CALLBACK_URL_LENGTH)
  callbackUrl!: string;

  @ApiProperty({
    example: 'device-42',
    minLength: 1,
    maxLength: 256,
    description: 'messages of one group are delivered one after another, in the order Foyer accepted them',
  })
  @IsString()
  @Matches(GROUP_ID_PATTERN, { message: 'groupId must be 1 to 256 characters without control characters' })
  groupId!: string;

  @ApiProperty({ description: 'any JSON value, delivered as the request body', example: { any: 'json' } })
  @IsDefined({ message: 'body is required (any JSON value)' })
  // The value exactly as parsed: no class instances, no copying of keys.
  @Transform(({ obj }) => (obj as { body: unknown }).body)
  body!: unknown;

  @ApiPropertyOptional({
    example: 'call-42-answered',
    maxLength: 200,
    description:
      'makes posting idempotent: the same id with the same content again is a duplicate (200), with other content a 409. ' +
      'Printable ASCII without spaces; ids starting with "journal:" or "rt_…:" are reserved. Made by the server when omitted.',
  })
  @Optional()
  @IsString()
  @Matches(MESSAGE_ID_PATTERN, { message: 'messageId must be 1 to 200 printable ASCII characters without spaces' })
  messageId?: string;

  @ApiPropertyOptional({ enum: ON_DEAD, default: 'CONTINUE', description: 'when this message is dead-lettered: CONTINUE moves its group on, HALT holds it' })
  @Optional()
  @IsIn(ON_DEAD)
  onDead?: OnDead;
}

export class AcceptedCallbackDto {
  @ApiProperty({ example: 'call-42-answered' }) messageId!: string;
  @ApiProperty({ example: 'device-42' }) groupId!: string;
  @ApiProperty({ enum: CALLBACK_STATUSES, description: 'PENDING on acceptance; a duplicate answers the current status' })
  status!: CallbackStatus;
  @ApiProperty({ description: 'true: this messageId was accepted before, with the same content; nothing new was stored' })
  duplicate!: boolean;
}

export class CallbackDto {
  @ApiProperty() messageId!: string;
  @ApiProperty() groupId!: string;
  @ApiProperty() callbackUrl!: string;
  @ApiProperty({ enum: CALLBACK_STATUSES }) status!: CallbackStatus;
  @ApiProperty({ enum: ON_DEAD }) onDead!: OnDead;
  @ApiProperty({ type: 'integer', description: 'attempts made since acceptance or the last retry' }) attempts!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status of the last attempt (null: no answer)' })
  lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ description: 'the webhook-id header of every attempt of this message (made by the server)' })
  webhookId!: string;
  @ApiProperty({ format: 'date-time', description: 'when the next attempt is due (PENDING)' }) nextAttemptAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) processedAt!: string | null;
  @ApiProperty({
    enum: ['SUCCEEDED', 'FAILED', null],
    nullable: true,
    description: 'DONE: SUCCEEDED; SKIPPED: FAILED; null until then (OpenAPI 3.0 lists the null of a nullable enum)',
  })
  processedStatus!: ProcessedStatus | null;
}

export class CallbackListDto {
  @ApiProperty({ type: [CallbackDto] }) items!: CallbackDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `after` for the next page; null when this page is the last' })
  nextAfter!: string | null;
}

export class ListCallbacksQueryDto {
  @ApiPropertyOptional({ enum: CALLBACK_STATUSES })
  @Optional()
  @IsIn(CALLBACK_STATUSES)
  status?: CallbackStatus;

  @ApiPropertyOptional({ description: "only this group's messages (in their delivery order)" })
  @Optional()
  @IsString()
  @Matches(GROUP_ID_PATTERN, { message: 'groupId must be 1 to 256 characters without control characters' })
  groupId?: string;

  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 1000 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ description: 'the nextAfter of the previous page' })
  @Optional()
  @Matches(/^\d{1,18}$/, { message: 'after must be a cursor from nextAfter' })
  after?: string;
}

export class CallbackAttemptDto {
  @ApiProperty({ type: 'integer', description: '1 for the first attempt (counting again after a retry)' }) attempt!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: 'integer' }) durationMs!: number;
  @ApiProperty({ type: 'integer', nullable: true }) statusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty() succeeded!: boolean;
}

export class CallbackAttemptListDto {
  @ApiProperty({ type: [CallbackAttemptDto] }) items!: CallbackAttemptDto[];
}
