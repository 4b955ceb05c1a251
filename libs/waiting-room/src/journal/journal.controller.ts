import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { EVENT_ID_PATTERN, type JournalRepository } from '@foyer/domain';
import { AdminGuard, ErrorResponseDto, JOURNAL_REPOSITORY } from '@foyer/platform';

export class JournalQueryDto {
  // Offsets are PostgreSQL bigints read as JavaScript numbers: above 2^53 - 1 a number is no longer
  // an exact integer (and above 2^63 - 1 no bigint), so larger values are refused, not passed on.
  @ApiPropertyOptional({
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'return entries with a greater offset',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after: number = 0;

  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ description: "only this event's entries" })
  @IsOptional()
  @Matches(EVENT_ID_PATTERN, { message: 'eventId must match [A-Za-z0-9._-]{1,64}' })
  eventId?: string;
}

class JournalEntryDto {
  @ApiProperty({ type: 'integer' }) offset!: number;
  @ApiProperty({
    example: 'user.admitted',
    description:
      'event.created, event.updated, event.deleted; user.entered, user.admitted, user.exited, user.expired, user.abandoned, user.removed; ' +
      "queue.configured (the queue store wrote the event's settings: closedSeq; or rebuilt it from the journal: seq, lost)",
  })
  type!: string;
  @ApiProperty() eventId!: string;
  @ApiPropertyOptional({ description: 'absent on event.* and queue.* entries' }) id?: string;
  @ApiProperty({
    type: Object,
    description:
      'queue entries carry seq and the store epoch; user.admitted also admittedAt, expiresAt and jti (what the successToken is made of); ' +
      'user.entered the SHA-256 (idem) of its Idempotency-Key when it had one',
  })
  payload!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

class JournalPageDto {
  @ApiProperty({ type: [JournalEntryDto] }) items!: JournalEntryDto[];
  @ApiProperty({ type: 'integer', description: 'pass as `after` to read on; equals `after` on an empty page' }) nextAfter!: number;
}

@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminGuard)
@Controller('v1/admin/journal')
export class JournalController {
  constructor(@Inject(JOURNAL_REPOSITORY) private readonly journal: JournalRepository) {}

  @Get()
  @ApiOperation({
    operationId: 'readJournal',
    summary: 'Page through every state change by offset',
    description: 'Offsets only grow and commit in order: a reader that keeps nextAfter never misses or repeats an entry.',
  })
  @ApiResponse({ status: 200, type: JournalPageDto, description: 'a page of entries in offset order, and the offset to ask after next' })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED: a bad after, limit or eventId' })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED: missing or wrong admin key' })
  async page(@Query() query: JournalQueryDto): Promise<JournalPageDto> {
    const page = await this.journal.page(query.after, query.limit, query.eventId);
    return {
      items: page.items.map((entry) => ({
        offset: entry.offset,
        type: entry.type,
        eventId: entry.eventId,
        ...(entry.id !== null ? { id: entry.id } : {}),
        payload: entry.payload,
        createdAt: entry.createdAt.toISOString(),
      })),
      nextAfter: page.nextAfter,
    };
  }
}
