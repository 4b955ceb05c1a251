import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { SERIES_MAX_MINUTES } from './series-settings.js';

export class SeriesQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 30, minimum: 1, maximum: SERIES_MAX_MINUTES, description: 'how far back, in minutes' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(SERIES_MAX_MINUTES)
  minutes: number = 30;
}

export class SeriesPointDto {
  @ApiProperty({ format: 'date-time', description: 'when the sample was taken' }) at!: string;
  @ApiProperty({ type: 'integer', description: 'holding a place in the line' }) waiting!: number;
  @ApiProperty({ type: 'integer', description: 'admitted, not yet exited or expired' }) active!: number;
  @ApiProperty({ type: 'integer', description: "the event's limitCnt at that time" }) limitCnt!: number;
  @ApiProperty({ type: 'integer', description: 'admissions since the event was created' }) admittedTotal!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'admissions per minute since the sample before; null for the first sample',
  })
  admittedPerMin!: number | null;
  @ApiProperty({ type: 'integer', description: 'waiters whose heartbeat timed out, since the event was created' }) abandonedTotal!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'abandoned per minute since the sample before; null for the first sample' })
  abandonedPerMin!: number | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'the estimated wait of the last waiter (rank = waiting), by the rule of expectedInfo.waitSeconds; ' +
      '0 when nobody waits, null when no estimate is possible (PAUSED, or admits nobody)',
  })
  backWaitSeconds!: number | null;
}

export class EventSeriesDto {
  @ApiProperty() eventId!: string;
  @ApiProperty({ type: 'integer', description: 'seconds between samples (the scheduler samples every event once per interval)', example: 10 })
  intervalSec!: number;
  @ApiProperty({ type: 'integer', description: 'the window asked for' }) minutes!: number;
  @ApiProperty({ type: [SeriesPointDto], description: 'oldest first; samples before the event was created are left out' })
  points!: SeriesPointDto[];
}
