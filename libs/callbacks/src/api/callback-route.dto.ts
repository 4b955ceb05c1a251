import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { ON_DEAD, type OnDead } from '../message/callback-message.js';
import { MAX_CALLBACK_URL_LENGTH } from '../security/callback-url-policy.js';

export class CreateCallbackRouteDto {
  @ApiProperty({
    example: 'https://receiver.example/hook',
    maxLength: MAX_CALLBACK_URL_LENGTH,
    description: 'where posted bodies are delivered, in order per group',
  })
  @IsString()
  @MaxLength(MAX_CALLBACK_URL_LENGTH)
  callbackUrl!: string;

  @ApiProperty({
    example: '/call/id',
    description: '"path": the group is the path segment after the ingest URL; otherwise a JSON pointer (RFC 6901) into the posted body',
  })
  @IsString()
  @MaxLength(256)
  @Matches(/^(path|(\/([^~]|~[01])*)+)$/, { message: 'groupFrom must be "path" or a JSON pointer such as /call/id' })
  groupFrom!: string;

  @ApiPropertyOptional({ enum: ON_DEAD, default: 'CONTINUE' })
  @ValidateIf((_object, value) => value !== undefined && value !== null)
  @IsIn(ON_DEAD)
  onDead?: OnDead;
}

export class CreatedCallbackRouteDto {
  @ApiProperty({ example: 'rt_Jx3k9QeLrT2w' }) routeId!: string;
  @ApiProperty({
    example: 'https://foyer.example/v1/ingest/3q2-…',
    description: 'the sender posts here (append /{groupId} for a "path" route); the token in it is the credential and is shown only now',
  })
  ingestUrl!: string;
}

export class CallbackRouteDto {
  @ApiProperty() routeId!: string;
  @ApiProperty() callbackUrl!: string;
  @ApiProperty() groupFrom!: string;
  @ApiProperty({ enum: ON_DEAD }) onDead!: OnDead;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CallbackRouteListDto {
  @ApiProperty({ type: [CallbackRouteDto] }) items!: CallbackRouteDto[];
}
