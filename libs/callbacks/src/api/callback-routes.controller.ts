import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminGuard, ErrorResponseDto } from '@foyer/platform';
import type { CallbackRoute } from '../store/callback-routes.repository.js';
import { AcceptedCallbackDto } from './callback.dto.js';
import { toAcceptedDto } from './callback.mapper.js';
import { CallbackRouteDto, CallbackRouteListDto, CreateCallbackRouteDto, CreatedCallbackRouteDto } from './callback-route.dto.js';
import { CallbackRoutesService } from './callback-routes.service.js';
import { INGEST_ROUTE } from './ingest-body.parser.js';

@ApiTags('callbacks')
@ApiBearerAuth('admin')
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHORIZED: missing or wrong admin key' })
@UseGuards(AdminGuard)
@Controller('v1/admin/callback-routes')
export class CallbackRoutesController {
  constructor(private readonly routes: CallbackRoutesService) {}

  @Post()
  @ApiOperation({
    operationId: 'createCallbackRoute',
    summary: 'Create an ingest route for a sender that can only be pointed at a URL',
    description: 'Whatever is posted to the ingestUrl is delivered, in order per group, to callbackUrl.',
  })
  @ApiBody({
    type: CreateCallbackRouteDto,
    examples: {
      pointer: { summary: 'the group from a JSON pointer into the body', value: { callbackUrl: 'https://receiver.example/hook', groupFrom: '/call/id' } },
      path: { summary: 'the group from the path', value: { callbackUrl: 'https://receiver.example/hook', groupFrom: 'path', onDead: 'HALT' } },
    },
  })
  @ApiResponse({ status: 201, type: CreatedCallbackRouteDto, description: 'the route and its ingestUrl (shown only now)' })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED, CALLBACK_URL_FORBIDDEN' })
  async create(@Body() body: CreateCallbackRouteDto): Promise<CreatedCallbackRouteDto> {
    const { route, ingestUrl } = await this.routes.create(body);
    return { routeId: route.routeId, ingestUrl };
  }

  @Get()
  @ApiOperation({ operationId: 'listCallbackRoutes', summary: 'List ingest routes (their tokens are shown only at creation)' })
  @ApiResponse({ status: 200, type: CallbackRouteListDto, description: 'every ingest route' })
  async list(): Promise<CallbackRouteListDto> {
    return { items: (await this.routes.list()).map(toRouteDto) };
  }

  @Get(':routeId')
  @ApiOperation({ operationId: 'getCallbackRoute', summary: 'Read an ingest route' })
  @ApiResponse({ status: 200, type: CallbackRouteDto, description: 'the ingest route' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'ROUTE_NOT_FOUND' })
  async get(@Param('routeId') routeId: string): Promise<CallbackRouteDto> {
    return toRouteDto(await this.routes.get(routeId));
  }

  @Delete(':routeId')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteCallbackRoute',
    summary: 'Delete an ingest route: its ingestUrl answers 404 from now on (accepted messages are still delivered)',
  })
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'ROUTE_NOT_FOUND' })
  async delete(@Param('routeId') routeId: string): Promise<void> {
    await this.routes.delete(routeId);
  }
}

const INGEST_BODY = {
  description: 'any JSON, under any content type (or none); delivered unchanged',
  schema: { type: 'object', additionalProperties: true },
  examples: { event: { summary: "a sender's own JSON, delivered as it is", value: { call: { id: 'call-42' }, state: 'answered' } } },
};

/** What both ingest routes share: 202, the raw-body parser, and their OpenAPI description. */
function IngestRoute(): MethodDecorator {
  return applyDecorators(
    HttpCode(202),
    RouteConfig(INGEST_ROUTE),
    ApiParam({ name: 'token', description: 'from the ingestUrl' }),
    ApiConsumes('application/json', 'text/plain', '*/*'),
    ApiBody(INGEST_BODY),
    ApiHeader({ name: 'idempotency-key', required: false, description: 'makes the messageId {routeId}:{value}' }),
    ApiHeader({ name: 'webhook-id', required: false, description: 'used like idempotency-key when that is absent' }),
    ApiResponse({ status: 202, type: AcceptedCallbackDto, description: 'accepted for ordered delivery' }),
    ApiResponse({ status: 200, type: AcceptedCallbackDto, description: 'a duplicate (same idempotency key, same content)' }),
    ApiResponse({
      status: 400,
      type: ErrorResponseDto,
      description: 'INVALID_JSON, GROUP_REQUIRED, VALIDATION_FAILED (a bad group, or a body nested deeper than 32)',
    }),
    ApiResponse({ status: 404, type: ErrorResponseDto, description: 'ROUTE_NOT_FOUND' }),
    ApiResponse({ status: 409, type: ErrorResponseDto, description: 'MESSAGE_ID_CONFLICT' }),
  );
}

/** Ingest URLs: no admin key, the unguessable token in the path is the credential. */
@ApiTags('callbacks')
@Controller('v1/ingest')
export class IngestController {
  constructor(private readonly routes: CallbackRoutesService) {}

  @Post(':token')
  @IngestRoute()
  @ApiOperation({ operationId: 'ingestCallback', summary: 'Post a message to an ingest route that takes its group from the body (its JSON pointer)' })
  ingest(@Param('token') token: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AcceptedCallbackDto> {
    return this.accept(token, undefined, request, reply);
  }

  @Post(':token/:groupId')
  @IngestRoute()
  @ApiOperation({ operationId: 'ingestCallbackToGroup', summary: 'Post a message to an ingest route that takes its group from the path' })
  @ApiParam({ name: 'groupId', description: 'the group (URL-encoded)' })
  ingestToGroup(
    @Param('token') token: string,
    @Param('groupId') groupId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AcceptedCallbackDto> {
    return this.accept(token, groupId, request, reply);
  }

  private async accept(token: string, groupId: string | undefined, request: FastifyRequest, reply: FastifyReply): Promise<AcceptedCallbackDto> {
    const raw = Buffer.isBuffer(request.body) ? request.body : undefined;
    const accepted = await this.routes.ingest(token, groupId, raw, request.headers);
    if (accepted.duplicate) reply.status(200);
    return toAcceptedDto(accepted.message, accepted.duplicate);
  }
}

function toRouteDto(route: CallbackRoute): CallbackRouteDto {
  return { ...route, createdAt: route.createdAt.toISOString() };
}
