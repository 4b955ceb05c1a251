import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldProblemDto {
  @ApiProperty({ example: 'eventId' }) field!: string;
  @ApiProperty({ example: 'eventId must match [A-Za-z0-9._-]{1,64}' }) message!: string;
}

/** The body of every non-2xx answer. */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 404 }) statusCode!: number;
  @ApiProperty({ example: 'EVENT_NOT_FOUND', description: 'UPPER_SNAKE, stable' }) code!: string;
  @ApiProperty({ example: "event 'x' does not exist", description: 'for humans' }) message!: string;
  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'VALIDATION_FAILED only: one entry per bad field' })
  details?: FieldProblemDto[];
}
