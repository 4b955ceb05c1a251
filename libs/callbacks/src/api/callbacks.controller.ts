import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminGuard, ErrorResponseDto } from '@foyer/platform';
import { AcceptedCallbackDto, CallbackAttemptListDto, CallbackDto, CallbackListDto, ListCallbacksQueryDto, PostCallbackDto } from './callback.dto.js';
import { toAcceptedDto, toAttemptDto, toCallbackDto } from './callback.mapper.js';
import { CallbacksService } from './callbacks.service.js';

const MESSAGE_ID_PARAM = { name: 'messageId', description: 'URL-encode ids with reserved characters' };

@ApiTags('callbacks')
@ApiBearerAuth('admin')
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED: missing or wrong admin key' })
@UseGuards(AdminGuard)
@Controller('v1/callbacks')
export class CallbacksController {
  constructor(private readonly callbacks: CallbacksService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'postCallback',
    summary: 'Post a message for ordered delivery',
    description:
      'Stored durably, then POSTed to callbackUrl with Standard Webhooks signature headers. Within one groupId, a delivery ' +
      'starts only after the previous message completed (2xx), was dead-lettered or skipped.',
  })
  @ApiBody({
    type: PostCallbackDto,
    examples: {
      message: {
        summary: 'a message for a group, with its own messageId',
        value: {
          callbackUrl: 'https://receiver.example/hook',
          groupId: 'device-42',
          body: { any: 'json' },
          messageId: 'optional-unique-id',
          onDead: 'CONTINUE',
        },
      },
      minimal: {
        summary: 'the server makes the messageId',
        value: { callbackUrl: 'https://receiver.example/hook', groupId: 'device-42', body: { any: 'json' } },
      },
    },
  })
  @ApiResponse({ status: 202, type: AcceptedCallbackDto, description: 'accepted' })
  @ApiResponse({ status: 200, type: AcceptedCallbackDto, description: 'a duplicate: this messageId with the same content was accepted before' })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED, INVALID_JSON, CALLBACK_URL_FORBIDDEN' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'MESSAGE_ID_CONFLICT: this messageId was accepted with other content' })
  async post(@Body() body: PostCallbackDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<AcceptedCallbackDto> {
    const accepted = await this.callbacks.post(body);
    if (accepted.duplicate) reply.status(200);
    return toAcceptedDto(accepted.message, accepted.duplicate);
  }

  @Get()
  @ApiOperation({ operationId: 'listCallbacks', summary: 'List messages by status and group, in acceptance order, paged with a cursor' })
  @ApiResponse({ status: 200, type: CallbackListDto, description: 'a page of messages and the cursor of the next one' })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  async list(@Query() query: ListCallbacksQueryDto): Promise<CallbackListDto> {
    // One row more than the page tells whether there is a next page, so the last page (even an
    // exactly full one) answers nextAfter: null.
    const rows = await this.callbacks.list({ ...query, limit: query.limit + 1 });
    const messages = rows.slice(0, query.limit);
    const last = messages[messages.length - 1];
    return {
      items: messages.map(toCallbackDto),
      nextAfter: rows.length > query.limit && last ? last.pk.toString() : null,
    };
  }

  @Get(':messageId')
  @ApiOperation({ operationId: 'getCallback', summary: "A message's status" })
  @ApiParam(MESSAGE_ID_PARAM)
  @ApiResponse({ status: 200, type: CallbackDto, description: 'the message' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'CALLBACK_NOT_FOUND' })
  async get(@Param('messageId') messageId: string): Promise<CallbackDto> {
    return toCallbackDto(await this.callbacks.get(messageId));
  }

  @Get(':messageId/attempts')
  @ApiOperation({ operationId: 'listCallbackAttempts', summary: "A message's delivery attempts: status code, error and duration of each" })
  @ApiParam(MESSAGE_ID_PARAM)
  @ApiResponse({ status: 200, type: CallbackAttemptListDto, description: 'its attempts, oldest first' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'CALLBACK_NOT_FOUND' })
  async attempts(@Param('messageId') messageId: string): Promise<CallbackAttemptListDto> {
    return { items: (await this.callbacks.attempts(messageId)).map(toAttemptDto) };
  }

  @Post(':messageId/retry')
  @HttpCode(202)
  @ApiOperation({ operationId: 'retryCallback', summary: 'Send a DEAD message again: back to the head of its group, with a fresh count of attempts' })
  @ApiParam(MESSAGE_ID_PARAM)
  @ApiResponse({ status: 202, type: CallbackDto, description: 'the message, PENDING again at the head of its group' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'CALLBACK_NOT_FOUND' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'CALLBACK_NOT_DEAD' })
  async retry(@Param('messageId') messageId: string): Promise<CallbackDto> {
    return toCallbackDto(await this.callbacks.retry(messageId));
  }

  @Post(':messageId/skip')
  @HttpCode(200)
  @ApiOperation({ operationId: 'skipCallback', summary: 'Give up on a DEAD message: it becomes SKIPPED and its group moves on' })
  @ApiParam(MESSAGE_ID_PARAM)
  @ApiResponse({ status: 200, type: CallbackDto, description: 'the message, now SKIPPED' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'CALLBACK_NOT_FOUND' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'CALLBACK_NOT_DEAD' })
  async skip(@Param('messageId') messageId: string): Promise<CallbackDto> {
    return toCallbackDto(await this.callbacks.skip(messageId));
  }
}
