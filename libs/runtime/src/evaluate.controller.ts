import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors, badRequest, DirectRoute, Public } from '@superflag/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EvaluatedFlagDto, EvaluationDto, EvaluationRequestDto } from './dto/evaluation.dto';
import { type EvaluationContext, InvalidContextError, parseContext } from './evaluation';
import { type RuntimeCall, RuntimeAccess } from './runtime-access';

export const EVALUATE_PATH = '/api/v1/evaluate';
export const EVALUATE_CONTENT_TYPE = 'application/json; charset=utf-8';

@ApiTags('Runtime evaluation')
@ApiSecurity('key')
@ApiExtraModels(EvaluatedFlagDto)
@Public()
@Controller('api/v1/evaluate')
export class EvaluateController {
  constructor(private readonly access: RuntimeAccess) {}

  /** Served by Fastify without Nest's pipeline (DirectRoute); synchronous whenever RuntimeAccess is. */
  @Post()
  @DirectRoute()
  @HttpCode(200)
  @ApiOperation({
    summary: "Evaluate every flag the key may see for a context: user override → company override → rollout → the flag's value",
  })
  @ApiBody({ type: EvaluationRequestDto })
  @ApiData(EvaluationDto)
  @ApiErrors(400, 401, 429)
  evaluate(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const call = this.access.enter(request, reply);
    if (call instanceof Promise) return call.then((c) => evaluateAll(c, body, reply));
    return evaluateAll(call, body, reply);
  }
}

/** The evaluation context of an evaluate request's body; a 400 `{"error"}` when it is not a valid one. */
export function evaluateContextOf(body: unknown): EvaluationContext {
  try {
    return parseContext((body as { context?: unknown } | undefined)?.context);
  } catch (err) {
    if (err instanceof InvalidContextError) throw badRequest(err.message);
    throw err;
  }
}

/** `{"data":{"version","flags":{<key>:{value,reason,variant}}}}`, from the snapshot's answer template (serialised once per snapshot). */
function evaluateAll({ key, snapshot }: RuntimeCall, body: unknown, reply: FastifyReply): Buffer {
  const context = evaluateContextOf(body);
  reply.type(EVALUATE_CONTENT_TYPE);
  return snapshot.evaluateAnswer(key.type).answer(context);
}
