import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import { EVENT_ID_PATTERN, USER_ID_PATTERN } from '@foyer/domain';

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
