import type { JWK } from 'jose';
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ExitSession, VerifySession, type ExitAnswer, type VerifyAnswer } from '@foyer/application';
import { ErrorResponseDto } from '@foyer/platform';
import { SuccessTokens } from '@foyer/tokens';
import { ExitAnswerDto, FoyerConfigurationDto, JwksDto, SUCCESS_TOKEN_EXAMPLES, SuccessTokenDto, VerifyAnswerDto } from './success-token.dto.js';

@ApiTags('customer backends')
@Controller()
export class ActiveController {
  constructor(
    private readonly verifySession: VerifySession,
    private readonly exitSession: ExitSession,
    private readonly successTokens: SuccessTokens,
  ) {}

  @Post('v1/active/verify')
  @HttpCode(200)
  @ApiOperation({ operationId: 'verifySession', summary: "Check an admitted user's successToken online (sees exits and expiry by the clock)" })
  @ApiBody({ type: SuccessTokenDto, examples: SUCCESS_TOKEN_EXAMPLES })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED, INVALID_JSON' })
  @ApiResponse({ status: 200, type: VerifyAnswerDto, description: 'whether the session is valid now, or why not' })
  verify(@Body() body: SuccessTokenDto): Promise<VerifyAnswer> {
    return this.verifySession.execute(body.successToken);
  }

  @Post('v1/active/exit')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'exitSession',
    summary: 'The user is done: free the slot, and admit the next waiter in the same atomic step',
    description: 'Idempotent. A token of an earlier session of the same id never ends a later session.',
  })
  @ApiBody({ type: SuccessTokenDto, examples: SUCCESS_TOKEN_EXAMPLES })
  @ApiResponse({ status: 200, type: ExitAnswerDto, description: 'the session is over (EXITED now, ALREADY_EXITED before, or EXPIRED by the clock)' })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'INVALID_TOKEN' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'EVENT_NOT_FOUND' })
  exit(@Body() body: SuccessTokenDto): Promise<ExitAnswer> {
    return this.exitSession.execute(body.successToken);
  }

  @Get('.well-known/jwks.json')
  @ApiOperation({ operationId: 'getJwks', summary: 'Public keys (ES256, kid = RFC 7638 thumbprint) for offline successToken checks' })
  @ApiResponse({ status: 200, type: JwksDto, description: 'the JSON Web Key Set of the successToken keys' })
  jwks(): { keys: JWK[] } {
    return this.successTokens.jwks();
  }

  @Get('.well-known/foyer-configuration')
  @ApiOperation({
    operationId: 'getConfiguration',
    summary: 'What a customer backend checks its own settings against at start: the token issuer, the keys, the waiting-room URL',
    description: "The SDK's gate reads it when it starts, so a gate expecting another issuer fails at once instead of refusing every admitted visitor.",
  })
  @ApiResponse({ status: 200, type: FoyerConfigurationDto, description: "Foyer's issuer and where its keys and waiting rooms are" })
  configuration(): FoyerConfigurationDto {
    const { issuer } = this.successTokens;
    return { issuer, jwksUri: `${issuer}/.well-known/jwks.json`, waitingRoomUrl: `${issuer}/wr/{eventId}` };
  }
}
