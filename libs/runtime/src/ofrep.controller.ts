import { Body, Controller, Get, Headers, HttpCode, Options, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, DirectRoute, DomainError, Public } from '@superflag/core';
import type { KeyType } from '@superflag/keys';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigStreams } from './config-streams';
import { EvaluationRequestDto, OfrepErrorDto, OfrepSuccessDto } from './dto/evaluation.dto';
import { OfrepBulkResponseDto } from './dto/ofrep.dto';
import { evaluate, type EvaluationContext, InvalidContextError, parseContext } from './evaluation';
import { bodyOf, OFREP_CORS, OfrepBulk, presentedKeyOf } from './ofrep-bulk';
import { OFREP_STREAM } from './ofrep-events';
import { OfrepStreamTokens } from './ofrep-stream-tokens';
import { type RuntimeCall, RuntimeAccess } from './runtime-access';

const CORS = OFREP_CORS;
const PREFLIGHT = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, X-API-Key, If-None-Match, Content-Type, Last-Event-ID, Cache-Control',
  'access-control-max-age': '86400',
};

/** OFREP errors carry `errorCode` / `errorDetails` (and `key` for one flag) besides our usual `error`. */
function ofrepError(status: number, errorCode: string, errorDetails: string, key?: string): DomainError {
  return new DomainError(status, errorDetails, { ...(key !== undefined ? { key } : {}), errorCode, errorDetails });
}

function contextOf(body: unknown, key?: string): EvaluationContext {
  try {
    return parseContext((body as { context?: unknown } | undefined)?.context);
  } catch (err) {
    if (err instanceof InvalidContextError) throw ofrepError(400, 'INVALID_CONTEXT', err.message, key);
    throw err;
  }
}

function grantFor(type: KeyType, reply: FastifyReply): void {
  if (type === 'pub') return;
  reply.removeHeader('access-control-allow-origin');
  reply.removeHeader('access-control-expose-headers');
}

function presentedKey(request: FastifyRequest): string | undefined {
  return presentedKeyOf(request.headers);
}

/**
 * The OpenFeature Remote Evaluation Protocol (https://openfeature.dev/specification/appendix-c), so any
 * OpenFeature SDK with an OFREP provider can use this service, browsers included (CORS), with push (ADR-0008
 * event streams). Authenticated by a pub_/sdk_ key.
 */
@ApiTags('OpenFeature (OFREP)')
@ApiSecurity('key')
@Public()
@Controller('ofrep/v1')
export class OfrepController {
  constructor(
    private readonly access: RuntimeAccess,
    private readonly ofrep: OfrepBulk,
    private readonly streams: ConfigStreams,
    private readonly tokens: OfrepStreamTokens,
  ) {}

  /** A hot path like the config read: served by Fastify without Nest's pipeline (DirectRoute); RuntimeAccess does every check. */
  @Post('evaluate/flags')
  @DirectRoute()
  @HttpCode(200)
  @ApiOperation({
    summary: 'OFREP bulk evaluation: every flag the key may see, for a context, and the event stream that announces changes',
    description:
      'ETag `"<version>-<key type>-<digest of the answer>"`; If-None-Match is compared on the key type and digest, so a change that leaves this answer ' +
      'as it was (a flag the key may not see, a target for someone else) is 304. `eventStreams` (OFREP ADR-0008) names `GET /ofrep/v1/stream`. ' +
      'CORS: any origin for pub_ keys.',
  })
  @ApiBody({ type: EvaluationRequestDto })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag of an earlier answer' })
  @ApiQuery({
    name: 'flagConfigEtag',
    type: String,
    required: false,
    description:
      'The `etag` of the refetchEvaluation event that prompted this request (OFREP ADR-0008): the answer reflects at least that version, ' +
      'even from a replica that has not heard of the change yet',
    example: '"47-pub-3yqG0c1-Fd"',
  })
  @ApiQuery({
    name: 'flagConfigLastModified',
    type: String,
    required: false,
    description: 'Accepted and ignored (this server sends no lastModified)',
  })
  @ApiOkResponse({
    type: OfrepBulkResponseDto,
    description: 'Every flag the key may see, evaluated for the context, and where to hear of changes',
    headers: { ETag: { schema: { type: 'string' } } },
  })
  @ApiNotModifiedResponse({ description: 'The answer is the one the ETag given in If-None-Match names' })
  @ApiResponse({ status: 400, type: OfrepErrorDto, description: 'INVALID_CONTEXT' })
  @ApiErrors(401, 429)
  async bulk(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: unknown,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Query('flagConfigEtag') flagConfigEtag: unknown,
  ): Promise<Buffer | undefined> {
    reply.headers(CORS);
    const { key, snapshot } = await this.access.enter(request, reply);
    grantFor(key.type, reply);
    const context = contextOf(body);
    const fresh = await this.ofrep.fresh(snapshot, flagConfigEtag);
    const answer = this.ofrep.answer(key, fresh, context, presentedKey(request));
    const { etag } = answer;
    reply.headers({ etag, 'cache-control': 'no-cache' });
    if (this.ofrep.notModified(ifNoneMatch, etag)) {
      reply.status(304);
      return undefined;
    }
    reply.type('application/json; charset=utf-8');
    return bodyOf(answer);
  }

  @Post('evaluate/flags/:key')
  @HttpCode(200)
  @ApiOperation({ summary: 'OFREP single-flag evaluation for a context. CORS: any origin for pub_ keys' })
  @ApiBody({ type: EvaluationRequestDto })
  @ApiOkResponse({ type: OfrepSuccessDto })
  @ApiResponse({ status: 400, type: OfrepErrorDto, description: 'INVALID_CONTEXT' })
  @ApiResponse({ status: 404, type: OfrepErrorDto, description: 'FLAG_NOT_FOUND (also for flags a pub_ key may not see)' })
  @ApiErrors(401, 429)
  async one(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('key') flagKey: string,
    @Body() body: unknown,
  ) {
    reply.headers(CORS);
    const { key, snapshot } = await this.access.enter(request, reply);
    grantFor(key.type, reply);
    const context = contextOf(body, flagKey);
    const flag = snapshot.flag(key.type, flagKey);
    if (!flag) throw ofrepError(404, 'FLAG_NOT_FOUND', `flag ${flagKey} does not exist`, flagKey);
    const result = evaluate(flag, context);
    return { key: flag.key, value: result.value, reason: result.reason, variant: result.variant, metadata: {} };
  }

  @Get('stream')
  @ApiOperation({
    summary: 'OFREP event stream (ADR-0008): `{"type":"refetchEvaluation","etag":…}` after every change of the key’s environment',
    description:
      'Server-Sent Events for EventSource, which cannot send headers: a pub_ key as `?key=`, an sdk_ key through the `?token=` its bulk evaluation ' +
      'minted (sdk_ secrets are never accepted in a URL), or either key in Authorization/X-API-Key. Each event has `id: <version>`; a client ' +
      'reconnecting with an older Last-Event-ID is told to re-fetch at once. Then as `GET /api/v1/config/stream`: each stream opened counts against ' +
      'the monthly quota, `: heartbeat` comments every 25 s, LIMIT_STREAMS_PER_KEY (429) and LIMIT_STREAMS (503) with Retry-After, slow consumers ' +
      'dropped past SSE_MAX_BUFFER_BYTES; on revocation a refetchEvaluation (answered 401) then the named `revoked` event; on shutdown the named ' +
      '`reconnect` event. CORS: any origin for pub_ keys.',
  })
  @ApiQuery({ name: 'key', type: String, required: false, description: 'A pub_ key' })
  @ApiQuery({
    name: 'token',
    type: String,
    required: false,
    description: 'An sdk_ key’s stream token, from the bulk evaluation’s eventStreams (valid one to two hours)',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Sent by EventSource when it reconnects: the version last announced' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An event stream',
    content: {
      'text/event-stream': {
        schema: { type: 'string', example: 'id: 47\ndata: {"type":"refetchEvaluation","etag":"\\"47-pub-3yqG0c1-Fd\\""}\n\n' },
      },
    },
  })
  @ApiErrors(401, 429, 503)
  async stream(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('token') token: unknown,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Promise<void> {
    reply.headers(CORS);
    this.streams.admit();
    const { key, snapshot } = await this.enterStream(request, reply, token);
    grantFor(key.type, reply);
    // Checked again with the key, synchronously up to open(): nothing can take the slot in between.
    this.streams.admit(key);
    // The quota and CORS headers set on the reply above travel with the stream's own headers.
    const headers = Object.fromEntries(Object.entries(reply.getHeaders()).map(([k, v]) => [k, String(v)]));
    reply.hijack();
    this.streams.open(key, snapshot, reply.raw, headers, { format: OFREP_STREAM, lastEventId });
  }

  @Options('evaluate/flags')
  @HttpCode(204)
  @ApiOperation({ summary: 'CORS preflight' })
  @ApiNoContentResponse({ description: 'CORS headers' })
  preflightBulk(@Res({ passthrough: true }) reply: FastifyReply): void {
    reply.headers(PREFLIGHT);
  }

  @Options('evaluate/flags/:key')
  @HttpCode(204)
  @ApiOperation({ summary: 'CORS preflight' })
  @ApiParam({ name: 'key', description: 'A flag key' })
  @ApiNoContentResponse({ description: 'CORS headers' })
  preflightOne(@Res({ passthrough: true }) reply: FastifyReply): void {
    reply.headers(PREFLIGHT);
  }

  @Options('stream')
  @HttpCode(204)
  @ApiOperation({ summary: 'CORS preflight' })
  @ApiNoContentResponse({ description: 'CORS headers' })
  preflightStream(@Res({ passthrough: true }) reply: FastifyReply): void {
    reply.headers(PREFLIGHT);
  }

  /** A token when the client sent one and no key header; otherwise the key, from a header or (pub_ only) the query. */
  private enterStream(request: FastifyRequest, reply: FastifyReply, token: unknown): Promise<RuntimeCall> | RuntimeCall {
    const keyHeader = request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;
    if (typeof token === 'string' && token.length > 0 && !keyHeader) {
      return this.tokens.verify(token, request.ip).then((key) => this.access.enterAs(key, request, reply));
    }
    return this.access.enter(request, reply, { allowQueryKey: true });
  }
}
