import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class SuccessTokenDto {
  @ApiProperty({ description: 'the successToken (ES256 JWT) of an ENTER answer' })
  @IsString()
  @Length(1, 8192)
  successToken!: string;
}

export const SUCCESS_TOKEN_EXAMPLES = {
  successToken: {
    summary: 'the successToken of an ENTER answer',
    value: { successToken: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJl' },
  },
};

/** One public key of the JWKS (an EC P-256 key). */
export class JwkDto {
  @ApiProperty({ example: 'EC' }) kty!: string;
  @ApiProperty({ example: 'P-256' }) crv!: string;
  @ApiProperty() x!: string;
  @ApiProperty() y!: string;
  @ApiProperty({ description: "the key's RFC 7638 thumbprint" }) kid!: string;
  @ApiProperty({ example: 'ES256' }) alg!: string;
  @ApiProperty({ example: 'sig' }) use!: string;
}

export class JwksDto {
  @ApiProperty({ type: [JwkDto] }) keys!: JwkDto[];
}

export class FoyerConfigurationDto {
  @ApiProperty({ description: "`iss` of every successToken: Foyer's public URL (FOYER_PUBLIC_URL)", example: 'https://queue.example.com' })
  issuer!: string;
  @ApiProperty({ description: 'where the public keys are', example: 'https://queue.example.com/.well-known/jwks.json' }) jwksUri!: string;
  @ApiProperty({ description: "an event's waiting room, `{eventId}` to be replaced", example: 'https://queue.example.com/wr/{eventId}' })
  waitingRoomUrl!: string;
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
