import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsString, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { EVENT_ID_PATTERN, EVENT_LIMITS, EVENT_STATUSES, ID_POLICIES, type EventStatus, type IdPolicy } from '@foyer/domain';

/** Present but not undefined: a field that may be omitted but never sent as null. */
const Given = () => ValidateIf((_object, value) => value !== undefined);
/** Present and not null: a field that may be omitted, or sent as null to clear it. */
const GivenNotNull = () => ValidateIf((_object, value) => value !== undefined && value !== null);

const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_host: true };

/** The writable settings of an event; every one optional, as PATCH takes any subset. */
export class UpdateEventDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'Concert 2026 presale' })
  @Given()
  @IsString()
  @Length(EVENT_LIMITS.name.min, EVENT_LIMITS.name.max)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000, description: 'most users active at once; lowering it evicts nobody' })
  @Given()
  @IsInt()
  @Min(EVENT_LIMITS.limitCnt.min)
  @Max(EVENT_LIMITS.limitCnt.max)
  limitCnt?: number;

  @ApiPropertyOptional({ enum: EVENT_STATUSES, default: 'OPEN' })
  @Given()
  @IsIn(EVENT_STATUSES)
  status?: EventStatus;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'http(s) URL admitted users are sent to; null clears it' })
  @GivenNotNull()
  @IsUrl(HTTP_URL, { message: 'successUrl must be an http(s) URL' })
  @MaxLength(2048)
  successUrl?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'http(s) URL receiving lifecycle notifications; null clears it' })
  @GivenNotNull()
  @IsUrl(HTTP_URL, { message: 'callbackUrl must be an http(s) URL' })
  @MaxLength(2048)
  callbackUrl?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 86_400, default: 600 })
  @Given()
  @IsInt()
  @Min(EVENT_LIMITS.sessionTtlSec.min)
  @Max(EVENT_LIMITS.sessionTtlSec.max)
  sessionTtlSec?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 86_400, default: 300 })
  @Given()
  @IsInt()
  @Min(EVENT_LIMITS.waitTimeoutSec.min)
  @Max(EVENT_LIMITS.waitTimeoutSec.max)
  waitTimeoutSec?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 60_000, default: 1000, description: 'must not exceed a third of waitTimeoutSec' })
  @Given()
  @IsInt()
  @Min(EVENT_LIMITS.minPollIntervalMs.min)
  @Max(EVENT_LIMITS.minPollIntervalMs.max)
  minPollIntervalMs?: number;

  @ApiPropertyOptional({ default: true })
  @Given()
  @IsBoolean()
  blockReentry?: boolean;

  @ApiPropertyOptional({ enum: ID_POLICIES, default: 'OPEN', description: 'SIGNED needs ENTRY_TOKEN_SECRET on the server' })
  @Given()
  @IsIn(ID_POLICIES)
  idPolicy?: IdPolicy;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, description: 'shown to everyone waiting; null or "" clears it' })
  @GivenNotNull()
  @IsString()
  @MaxLength(EVENT_LIMITS.message.max)
  message?: string | null;
}

class RequiredEventFieldsDto {
  @ApiProperty({ pattern: EVENT_ID_PATTERN.source, example: 'concert-2026' })
  @IsString()
  @Matches(EVENT_ID_PATTERN, { message: 'eventId must match [A-Za-z0-9._-]{1,64}' })
  eventId!: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Concert 2026 presale' })
  @IsString()
  @Length(EVENT_LIMITS.name.min, EVENT_LIMITS.name.max)
  name!: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 1_000_000, example: 1000, description: 'most users active at once' })
  @IsInt()
  @Min(EVENT_LIMITS.limitCnt.min)
  @Max(EVENT_LIMITS.limitCnt.max)
  limitCnt!: number;
}

/** eventId, name and limitCnt are required; every other setting has its default. */
export class CreateEventDto extends IntersectionType(RequiredEventFieldsDto, OmitType(UpdateEventDto, ['name', 'limitCnt'] as const)) {}

export class EventDto {
  @ApiProperty() eventId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) limitCnt!: number;
  @ApiProperty({ enum: EVENT_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true }) successUrl!: string | null;
  @ApiProperty({ type: String, nullable: true }) callbackUrl!: string | null;
  @ApiProperty({ type: 'integer' }) sessionTtlSec!: number;
  @ApiProperty({ type: 'integer' }) waitTimeoutSec!: number;
  @ApiProperty({ type: 'integer' }) minPollIntervalMs!: number;
  @ApiProperty() blockReentry!: boolean;
  @ApiProperty({ enum: ID_POLICIES }) idPolicy!: string;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class EventStatsDto {
  @ApiProperty({ type: 'integer', description: 'holding a place in the line (stale waiters count until the next sweep)' }) waiting!: number;
  @ApiProperty({ type: 'integer', description: 'admitted, not yet exited or expired' }) active!: number;
  @ApiProperty({ type: 'integer' }) admittedTotal!: number;
  @ApiProperty({ type: 'integer' }) exitedTotal!: number;
  @ApiProperty({ type: 'integer' }) expiredTotal!: number;
  @ApiProperty({ type: 'integer', description: 'waiters whose heartbeat timed out' }) abandonedTotal!: number;
  @ApiProperty({ type: 'integer', description: 'queue changes written to the queue store but not yet copied into the journal (the database)' })
  journalPending!: number;
  @ApiProperty({
    type: 'integer',
    description:
      "age in ms of the oldest of those changes on the queue store's clock (0 when none): what losing the queue store now would lose, and the bound a rebuild from the journal works within",
  })
  journalLagMs!: number;
}

export class EventWithStatsDto extends EventDto {
  @ApiProperty({ type: EventStatsDto }) stats!: EventStatsDto;
}

export class EventListDto {
  @ApiProperty({ type: [EventDto] }) items!: EventDto[];
}
