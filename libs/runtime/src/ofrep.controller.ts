import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, DomainError, Public } from '@superflag/core';
import { etagMatches } from '@superflag/flags';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { EvaluationRequestDto, OfrepBulkDto, OfrepErrorDto, OfrepSuccessDto } from './dto/evaluation.dto';
import { evaluate, type EvaluationContext, InvalidContextError, parseContext } from './evaluation';
import { RuntimeAccess } from './runtime-access';

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

/**
 * The OpenFeature Remote Evaluation Protocol (https://openfeature.dev/specification/appendix-c), so any
 * OpenFeature SDK with an OFREP provider can use this service. Authenticated by a pub_/sdk_ key.
 */
@ApiTags('OpenFeature (OFREP)')
@ApiSecurity('key')
@Public()
@Controller('ofrep/v1/evaluate/flags')
export class OfrepController {
  constructor(private readonly access: RuntimeAccess) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'OFREP bulk evaluation: every flag the key may see, for a context; ETag (environment, version, key type, context) / If-None-Match → 304',
  })
  @ApiBody({ type: EvaluationRequestDto })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({ type: OfrepBulkDto })
  @ApiNotModifiedResponse({ description: 'Same flags and context as the ETag given' })
  @ApiResponse({ status: 400, type: OfrepErrorDto, description: 'INVALID_CONTEXT' })
  @ApiErrors(401, 429)
  async bulk(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: unknown,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
  ) {
    const { key, snapshot } = await this.access.enter(request, reply);
    const context = contextOf(body);
    // The answer depends on the environment, its flags (version, key type) and the context: the ETag covers all four
    // (versions count per environment, so the version alone would let another environment's tag match).
    const digest = createHash('sha256').update(snapshot.environmentId).update('\n').update(JSON.stringify(context)).digest('base64url');
    const etag = `"${snapshot.version}-${key.type}-${digest.slice(0, 16)}"`;
    reply.header('etag', etag);
    if (etagMatches(ifNoneMatch, etag)) {
      reply.status(304);
      return undefined;
    }
    return {
      flags: snapshot.flagsFor(key.type).map((flag) => {
        const result = evaluate(flag, context);
        return { key: flag.key, value: result.value, reason: result.reason, variant: result.variant, metadata: {} };
      }),
    };
  }

  @Post(':key')
  @HttpCode(200)
  @ApiOperation({ summary: 'OFREP single-flag evaluation for a context' })
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
    const { key, snapshot } = await this.access.enter(request, reply);
    const context = contextOf(body, flagKey);
    const flag = snapshot.flag(key.type, flagKey);
    if (!flag) throw ofrepError(404, 'FLAG_NOT_FOUND', `flag ${flagKey} does not exist`, flagKey);
    const result = evaluate(flag, context);
    return { key: flag.key, value: result.value, reason: result.reason, variant: result.variant, metadata: {} };
  }
}
