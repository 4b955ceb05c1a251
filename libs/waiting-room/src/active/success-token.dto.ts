import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class SuccessTokenDto {
  @ApiProperty({ description: 'the successToken (ES256 JWT) of an ENTER answer' })
  @IsString()
  @Length(1, 8192)
  successToken!: string;
}

export class VerifyAnswerDto {
  @ApiProperty() valid!: boolean;
  @ApiPropertyOptional({ description: 'valid only' }) eventId?: string;
  @ApiPropertyOptional({ description: 'valid only' }) id?: string;
  @ApiPropertyOptional({ description: 'valid only', format: 'date-time' }) expiresAt?: string;
  @ApiPropertyOptional({ enum: ['INVALID', 'EXPIRED', 'EXITED', 'EVENT_NOT_FOUND'], description: 'invalid only' })
  reason?: string;
}

export class ExitAnswerDto {
  @ApiProperty() eventId!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['EXITED', 'ALREADY_EXITED', 'EXPIRED'] }) status!: string;
}
